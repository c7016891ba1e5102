using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>What `saleor install` was asked to do (already validated by the command line).</summary>
public sealed record InstallRequest(
    Uri ApiUrl,
    string? Email,
    string? Password,
    string? Token,
    Uri? WebhookTarget,
    CatalogDocument? Catalog,
    bool DryRun,
    string? TokenFile,
    string Channel = "default-channel");

/// <summary>
/// Makes Saleor ready for CMP, idempotently: the cmp-provisioner app with exactly the permissions it needs, an app
/// token for the provisioner (never invalidating one already in use), the order webhooks pointing at the provisioner
/// with the subscription queries from the <c>.graphql</c> files, and optionally a catalog. Every step reads what
/// exists, plans the difference and applies only that, so a second run reports "no changes". The report is filled as
/// steps finish; a failure returns the step's error with everything done so far already in the report.
/// </summary>
public sealed class SaleorInstaller(ISaleorClient anonymous, TimeProvider clock)
{
    readonly SaleorOperations _operations = SaleorOperations.Default;

    /// <returns>A newly created app token to show the user once (null when none was created or it went to the token file).</returns>
    public async Task<Result<string?>> RunAsync(InstallRequest request, InstallReport report, CancellationToken ct)
    {
        var login = request.Email is not null
            ? await SaleorSession.LoginAsync(anonymous, request.Email, request.Password!, clock, ct)
            : SaleorSession.FromToken(anonymous, request.Token!, clock);
        if (!login.TryGetValue(out var session, out var loginError)) return loginError;

        var app = session.Kind == SessionKind.Staff
            ? await EnsureAppAsStaffAsync(session, request, report, ct)
            : await CheckAppTokenAsync(session, report, ct);
        if (!app.TryGetValue(out var state, out var appError)) return appError;

        if (request.WebhookTarget is { } target)
        {
            var hooks = await EnsureWebhooksAsync(session, state, target, request.DryRun, report, ct);
            if (!hooks.IsSuccess) return hooks.Error;
        }
        else
        {
            report.Add("webhooks", "-", InstallAction.Skipped, ["no --webhook-target given"]);
        }

        if (request.Catalog is { } catalog)
        {
            var synced = await EnsureCatalogAsync(session, catalog, request, report, ct);
            if (!synced.IsSuccess)
            {
                return session.Kind == SessionKind.App && synced.Error.Kind == ErrorKind.Forbidden
                    ? synced.Error with { Message = synced.Error.Message + $" The catalog needs staff credentials (--email/--password): the {ProvisionerApp.Identifier} app only holds {string.Join(", ", ProvisionerApp.Permissions)}." }
                    : synced.Error;
            }
        }
        return Result<string?>.Success(state.TokenToShow);
    }

    /// <summary>The app as the rest of the run needs it: its id (null in a dry run that would create it), its webhooks,
    /// and a token to print.</summary>
    sealed record AppState(string? Id, IReadOnlyList<SaleorWebhook> Webhooks, string? TokenToShow);

    async Task<Result<AppState>> EnsureAppAsStaffAsync(SaleorSession session, InstallRequest request, InstallReport report, CancellationToken ct)
    {
        var client = await session.ClientAsync(ct);
        if (!client.TryGetValue(out var staff, out var clientError)) return clientError;
        var apps = await staff.ExecuteAsync<AppsData>("Apps", new { search = ProvisionerApp.Identifier }, ct);
        if (!apps.IsSuccess) return Step("reading apps (the staff user needs MANAGE_APPS)", apps.Error);
        var existing = apps.Value.Apps.Nodes.FirstOrDefault(a => a.Identifier == ProvisionerApp.Identifier);
        var plan = AppPlanner.Plan(existing, ProvisionerApp.Permissions);
        foreach (var w in plan.Warnings) report.Warn($"app {ProvisionerApp.Identifier}: {w}");

        if (plan.Create)
        {
            string? id = null, token = null;
            if (!request.DryRun)
            {
                var created = await staff.ExecuteAsync<AppCreateData>("AppCreate", new
                {
                    input = new { name = ProvisionerApp.Name, identifier = ProvisionerApp.Identifier, permissions = ProvisionerApp.Permissions },
                }, ct);
                if (!created.IsSuccess) return Step("creating the app", created.Error);
                id = created.Value.AppCreate.App!.Id;
                token = created.Value.AppCreate.AuthToken;
            }
            report.Add("app", ProvisionerApp.Identifier, InstallAction.Created, plan.Changes);
            var shown = token is null ? null : Deliver(token, request, report, "created with the app");
            if (request.DryRun) report.Add("app token", ProvisionerApp.Identifier, InstallAction.Created, ["created with the app"]);
            return new AppState(id, [], shown);
        }

        if (plan.HasChanges && !request.DryRun)
        {
            var updated = await staff.ExecuteAsync<JsonElement>("AppUpdate", new
            {
                id = existing!.Id,
                input = new { name = ProvisionerApp.Name, permissions = ProvisionerApp.Permissions },
            }, ct);
            if (!updated.IsSuccess) return Step("updating the app", updated.Error);
        }
        report.Add("app", ProvisionerApp.Identifier, plan.HasChanges ? InstallAction.Updated : InstallAction.Unchanged,
            plan.HasChanges ? plan.Changes : [$"permissions {string.Join(", ", existing!.PermissionCodes)}"]);

        var tokenShown = await EnsureTokenAsync(staff, existing!.Id, request, report, ct);
        if (!tokenShown.IsSuccess) return tokenShown.Error;

        var hooks = await staff.ExecuteAsync<AppWebhooksData>("AppWebhooks", new { id = existing.Id }, ct);
        if (!hooks.IsSuccess) return Step("reading the app's webhooks", hooks.Error);
        return new AppState(existing.Id, hooks.Value.App?.Webhooks ?? [], tokenShown.Value);
    }

    /// <summary>
    /// A token for an existing app. A running provisioner holds one already and Saleor shows tokens only once, so the
    /// installer never replaces tokens: it keeps a working token found in --token-file, and otherwise adds a new one
    /// (older tokens stay valid).
    /// </summary>
    async Task<Result<string?>> EnsureTokenAsync(ISaleorClient staff, string appId, InstallRequest request, InstallReport report, CancellationToken ct)
    {
        if (request.TokenFile is null)
        {
            report.Add("app token", ProvisionerApp.Identifier, InstallAction.Unchanged, ["existing tokens kept (pass --token-file to get a token for a new provisioner)"]);
            return Result<string?>.Success(null);
        }
        if (TokenFile.Read(request.TokenFile) is { } current)
        {
            var check = await staff.WithToken(current).ExecuteAsync<CurrentAppData>("CurrentApp", ct: ct);
            if (check.IsSuccess && check.Value.App?.Id == appId)
            {
                report.Add("app token", ProvisionerApp.Identifier, InstallAction.Unchanged, [$"{request.TokenFile} holds a working token"]);
                return Result<string?>.Success(null);
            }
            // A transient failure must not be mistaken for a dead token: that would mint tokens on every flaky run.
            if (!check.IsSuccess && check.Error.Kind != ErrorKind.Forbidden) return Step("checking the token in " + request.TokenFile, check.Error);
        }
        var why = File.Exists(request.TokenFile) ? $"{request.TokenFile} holds no working token for this app" : $"{request.TokenFile} does not exist";
        if (request.DryRun)
        {
            report.Add("app token", ProvisionerApp.Identifier, InstallAction.Created, [why, "existing tokens stay valid"]);
            return Result<string?>.Success(null);
        }
        var created = await staff.ExecuteAsync<AppTokenCreateData>("AppTokenCreate", new { input = new { app = appId, name = ProvisionerApp.TokenName } }, ct);
        if (!created.IsSuccess) return Step("creating an app token", created.Error);
        return Result<string?>.Success(Deliver(created.Value.AppTokenCreate.AuthToken!, request, report, $"{why}; existing tokens stay valid"));
    }

    /// <summary>Writes the token to --token-file, or hands it back to be printed once.</summary>
    static string? Deliver(string token, InstallRequest request, InstallReport report, string why)
    {
        if (request.TokenFile is { } path)
        {
            TokenFile.Write(path, token);
            report.Add("app token", ProvisionerApp.Identifier, InstallAction.Created, [why, $"written to {path} (owner read/write only)"]);
            return null;
        }
        report.Add("app token", ProvisionerApp.Identifier, InstallAction.Created, [why, "printed below, once"]);
        return token;
    }

    async Task<Result<AppState>> CheckAppTokenAsync(SaleorSession session, InstallReport report, CancellationToken ct)
    {
        var client = await session.ClientAsync(ct);
        if (!client.TryGetValue(out var app, out var clientError)) return clientError;
        var current = await app.ExecuteAsync<CurrentAppData>("CurrentApp", ct: ct);
        if (!current.IsSuccess)
            return current.Error.Kind == ErrorKind.Forbidden
                ? new Error("saleor_token_refused", "Saleor does not accept the --token (an unknown token or an inactive app is treated as anonymous).", ErrorKind.Unauthorized)
                : Step("reading the app of --token", current.Error);
        if (current.Value.App?.ToApp() is not { } me)
            return new Error("saleor_token_not_app", "--token is neither a staff JWT nor an app token.", ErrorKind.Unauthorized);
        if (me.Identifier != ProvisionerApp.Identifier)
            return Error.Forbidden("saleor_token_wrong_app",
                $"--token belongs to the app '{me.Name}' (identifier {me.Identifier}), not {ProvisionerApp.Identifier}. Use its token, or staff credentials.");
        var plan = AppPlanner.Plan(me, ProvisionerApp.Permissions);
        var missing = ProvisionerApp.Permissions.Except(me.PermissionCodes).ToArray();
        if (missing.Length > 0)
            return Error.Forbidden("saleor_app_lacks_permissions",
                $"The {ProvisionerApp.Identifier} app lacks {string.Join(", ", missing)}, and an app cannot grant itself permissions: run `saleor install` with staff credentials (--email/--password).");
        foreach (var w in plan.Warnings) report.Warn($"app {ProvisionerApp.Identifier}: {w}");
        if (plan.UpdatePermissions) report.Warn($"app {ProvisionerApp.Identifier} holds more than it needs ({string.Join("; ", plan.Changes)}); run with staff credentials to revoke");
        report.Add("app", ProvisionerApp.Identifier, InstallAction.Unchanged, [$"permissions {string.Join(", ", me.PermissionCodes)} (authenticated as the app)"]);
        report.Add("app token", ProvisionerApp.Identifier, InstallAction.Unchanged, ["the given app token"]);
        return new AppState(me.Id, current.Value.App.Webhooks ?? [], null);
    }

    async Task<Result<Unit>> EnsureWebhooksAsync(SaleorSession session, AppState app, Uri target, bool dryRun, InstallReport report, CancellationToken ct)
    {
        var desired = WebhookPlanner.Desired(target, name => _operations.Get(name).Document);
        foreach (var change in WebhookPlanner.Plan(desired, app.Webhooks))
        {
            var action = change.Action switch
            {
                WebhookAction.Create => InstallAction.Created,
                WebhookAction.Update => InstallAction.Updated,
                WebhookAction.Delete => InstallAction.Deleted,
                _ => InstallAction.Unchanged,
            };
            if (!dryRun && action != InstallAction.Unchanged)
            {
                var client = await session.ClientAsync(ct);
                if (!client.TryGetValue(out var saleor, out var clientError)) return clientError;
                var applied = await ApplyAsync(saleor, session.Kind, app.Id!, change, ct);
                if (!applied.IsSuccess) return Step($"{change.Action.ToString().ToLowerInvariant()} webhook {change.Name}", applied.Error);
            }
            var details = change.Action == WebhookAction.Unchanged ? [$"{change.Desired!.AsyncEvent} → {change.Desired.TargetUrl}"] : change.Changes;
            report.Add("webhook", change.Name, action, details);
        }
        return Unit.Value;
    }

    static async Task<Result<JsonElement>> ApplyAsync(ISaleorClient saleor, SessionKind kind, string appId, WebhookChange change, CancellationToken ct)
    {
        switch (change.Action)
        {
            case WebhookAction.Create:
            {
                var d = change.Desired!;
                var input = new Dictionary<string, object?>
                {
                    ["name"] = d.Name, ["targetUrl"] = d.TargetUrl, ["asyncEvents"] = new[] { d.AsyncEvent }, ["query"] = d.Query, ["isActive"] = true,
                };
                // A staff user names the app; an app creates webhooks for itself.
                if (kind == SessionKind.Staff) input["app"] = appId;
                return await saleor.ExecuteAsync<JsonElement>("WebhookCreate", new { input }, ct);
            }
            case WebhookAction.Update:
            {
                var d = change.Desired!;
                return await saleor.ExecuteAsync<JsonElement>("WebhookUpdate", new
                {
                    id = change.Id,
                    input = new { name = d.Name, targetUrl = d.TargetUrl, asyncEvents = new[] { d.AsyncEvent }, query = d.Query, isActive = true },
                }, ct);
            }
            case WebhookAction.Delete:
                return await saleor.ExecuteAsync<JsonElement>("WebhookDelete", new { id = change.Id }, ct);
            default:
                throw new InvalidOperationException($"Nothing to apply for {change.Action}.");
        }
    }

    static async Task<Result<Unit>> EnsureCatalogAsync(SaleorSession session, CatalogDocument catalog, InstallRequest request, InstallReport report, CancellationToken ct)
    {
        var options = new CatalogOptions { Channel = request.Channel };
        async Task<Result<SaleorCatalog>> CatalogAsync()
        {
            var client = await session.ClientAsync(ct);
            return client.IsSuccess ? new SaleorCatalog(client.Value, options, NullLogger<SaleorCatalog>.Instance) : client.Error;
        }

        var c = await CatalogAsync();
        if (!c.IsSuccess) return c.Error;
        var foundation = await c.Value.EnsureFoundationAsync(catalog.Products.Select(p => p.Kind), request.DryRun, ct);
        if (!foundation.IsSuccess) return Step($"catalog from {catalog.Source}", foundation.Error);
        foreach (var set in foundation.Value) report.Add(set);

        foreach (var zone in catalog.ShippingZones)
        {
            c = await CatalogAsync();
            if (!c.IsSuccess) return c.Error;
            var synced = await c.Value.EnsureShippingZoneAsync(zone, request.DryRun, ct);
            if (!synced.IsSuccess) return Step($"shipping zone {zone.Name}", synced.Error);
            report.Add(synced.Value);
        }
        foreach (var product in catalog.Products)
        {
            c = await CatalogAsync();
            if (!c.IsSuccess) return c.Error;
            var synced = await c.Value.EnsureProductAsync(product, request.DryRun, ct);
            if (!synced.IsSuccess) return Step($"product {product.Sku}", synced.Error);
            report.Add(synced.Value);
        }
        return Unit.Value;
    }

    static Error Step(string step, Error error) => error with { Message = $"{step}: {error.Message}" };

    sealed record AppsData(Connection<SaleorApp> Apps);
    sealed record AppCreateData(AppCreatePayload AppCreate);
    sealed record AppCreatePayload(string? AuthToken, SaleorApp? App);
    sealed record AppTokenCreateData(AppTokenPayload AppTokenCreate);
    sealed record AppTokenPayload(string? AuthToken);
    sealed record AppWithWebhooks(string Id, string Name, string? Identifier, bool IsActive, IReadOnlyList<PermissionCode> Permissions, IReadOnlyList<SaleorWebhook>? Webhooks)
    {
        public SaleorApp ToApp() => new(Id, Name, Identifier, IsActive, Permissions);
    }
    sealed record AppWebhooksData(AppWithWebhooks? App);
    sealed record CurrentAppData(AppWithWebhooks? App);
}
