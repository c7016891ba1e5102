using System.CommandLine;
using System.Text.RegularExpressions;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Saleor;
using Cmp.Saleor.Client;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>
/// <c>Cmp.Provisioner saleor install …</c>: parsed before any web host is built, so it runs anywhere the provisioner
/// image runs (a Helm hook Job, a laptop, CI) with nothing but Saleor reachable.
/// </summary>
public static partial class SaleorInstallCommand
{
    /// <summary>Process exit codes (documented in the README).</summary>
    public static class ExitCodes
    {
        public const int Ok = 0;
        /// <summary>Saleor refused a change or could not be reached; the message names the step.</summary>
        public const int Failed = 1;
        /// <summary>Bad arguments or catalog file; nothing was sent to Saleor.</summary>
        public const int Usage = 2;
        /// <summary>Login refused, wrong token, or a missing permission.</summary>
        public const int Unauthorized = 3;
    }

    /// <summary>Runs the command when <paramref name="args"/> start with <c>saleor</c>; null means "start the service".</summary>
    public static Task<int>? TryRun(string[] args) =>
        args is ["saleor", ..] ? RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, CancellationToken.None) : null;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment,
        CancellationToken ct, HttpMessageHandler? saleorHandler = null)
    {
        var apiUrl = new Option<string?>("--api-url") { Description = "Saleor GraphQL endpoint, ending in /graphql/ (default: $Saleor__ApiUrl)" };
        var email = new Option<string?>("--email") { Description = "Staff e-mail (the staff user needs MANAGE_APPS and every permission granted to the app)" };
        var password = new Option<string?>("--password") { Description = "Staff password (default: $SALEOR_PASSWORD, which keeps it out of the process list)" };
        var token = new Option<string?>("--token") { Description = "Instead of e-mail/password: a staff JWT, or the cmp-provisioner app's own token (default: $SALEOR_TOKEN)" };
        var webhookTarget = new Option<string?>("--webhook-target") { Description = "Base URL of the provisioner as Saleor reaches it; webhooks go to <url>/webhooks/saleor/<event>" };
        var demoCatalog = new Option<bool>("--demo-catalog") { Description = "Also install the demo catalog (agents, credit packs, two physical products, US shipping)" };
        var catalogFile = new Option<string?>("--catalog-file") { Description = "Also install the catalog in this JSON file (same format as the demo catalog)" };
        var channel = new Option<string>("--channel") { Description = "Channel the catalog is listed in", DefaultValueFactory = _ => "default-channel" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change; change nothing" };
        var tokenFile = new Option<string?>("--token-file") { Description = "Write a new app token here (mode 600) instead of printing it; a working token already there is kept" };

        var install = new Command("install", "Create or update the cmp-provisioner app, its token, its webhooks and optionally a catalog in Saleor. Safe to re-run.")
        {
            apiUrl, email, password, token, webhookTarget, demoCatalog, catalogFile, channel, dryRun, tokenFile,
        };
        install.SetAction(async (parse, cancel) =>
        {
            var request = Validate(parse.GetValue(apiUrl) ?? environment("Saleor__ApiUrl"), parse.GetValue(email),
                parse.GetValue(password) ?? environment("SALEOR_PASSWORD"), parse.GetValue(token) ?? environment("SALEOR_TOKEN"),
                parse.GetValue(webhookTarget), parse.GetValue(demoCatalog), parse.GetValue(catalogFile), parse.GetValue(channel)!,
                parse.GetValue(dryRun), parse.GetValue(tokenFile));
            if (!request.TryGetValue(out var r, out var problem))
            {
                await error.WriteLineAsync($"error: {problem.Message}");
                await error.WriteLineAsync("Run 'saleor install --help' for usage.");
                return ExitCodes.Usage;
            }
            return await InstallAsync(r, output, error, saleorHandler, cancel);
        });
        var root = new RootCommand("CMP provisioner. Without a command it runs the service.") { new Command("saleor", "Saleor commands") { install } };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await error.WriteLineAsync($"error: {e.Message}");
            await error.WriteLineAsync("Run 'saleor install --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex ChannelSlug();

    static Result<InstallRequest> Validate(string? apiUrl, string? email, string? password, string? token, string? webhookTarget,
        bool demoCatalog, string? catalogFile, string channel, bool dryRun, string? tokenFile)
    {
        if (string.IsNullOrWhiteSpace(apiUrl)) return Usage("--api-url is required (or set Saleor__ApiUrl), e.g. https://shop.example.com/graphql/");
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api)) return Usage($"--api-url '{apiUrl}' is not an absolute URL");
        if (SaleorOptions.CheckApiUrl(api) is { } apiProblem) return Usage($"--api-url {apiProblem}");

        var hasEmail = !string.IsNullOrWhiteSpace(email);
        var hasToken = !string.IsNullOrWhiteSpace(token);
        if (hasEmail && hasToken) return Usage("give either --email/--password or --token, not both");
        if (!hasEmail && !hasToken) return Usage("authenticate with --email and --password (staff user), or --token");
        if (hasEmail && string.IsNullOrEmpty(password)) return Usage("--email needs --password (or SALEOR_PASSWORD)");

        Uri? target = null;
        if (webhookTarget is not null)
        {
            if (!Uri.TryCreate(webhookTarget, UriKind.Absolute, out target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(target.Query) || !string.IsNullOrEmpty(target.Fragment))
                return Usage($"--webhook-target '{webhookTarget}' must be an absolute http(s) URL without query, e.g. https://provisioner.example.net");
        }
        if (!ChannelSlug().IsMatch(channel)) return Usage($"--channel '{channel}' is not a channel slug");
        if (demoCatalog && catalogFile is not null) return Usage("give either --demo-catalog or --catalog-file, not both");

        CatalogDocument? catalog = null;
        if (demoCatalog || catalogFile is not null)
        {
            var loaded = demoCatalog ? CatalogFile.LoadDemo() : CatalogFile.Load(catalogFile!);
            if (!loaded.TryGetValue(out catalog, out var catalogError)) return catalogError;
        }
        if (tokenFile is not null && Directory.Exists(tokenFile)) return Usage($"--token-file '{tokenFile}' is a directory");

        return new InstallRequest(api, hasEmail ? email!.Trim() : null, hasEmail ? password : null, hasToken ? token!.Trim() : null,
            target, catalog, dryRun, tokenFile, channel);
    }

    static Error Usage(string message) => Error.Validation("usage", message);

    static async Task<int> InstallAsync(InstallRequest request, TextWriter output, TextWriter error, HttpMessageHandler? handler, CancellationToken ct)
    {
        await output.WriteLineAsync($"Saleor {request.ApiUrl}: installing {ProvisionerApp.Identifier}{(request.DryRun ? " (dry run, nothing will be changed)" : "")}");
        await output.WriteLineAsync();
        // Generous timeouts: this is an operator's one-off run, not a request path; queries are still retried.
        var resilience = new HttpResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromSeconds(90), MaxRetries = 3 };
        var client = SaleorClientFactory.Create(request.ApiUrl, null, resilience, primaryHandler: handler);
        var report = new InstallReport(request.DryRun);

        var result = await new SaleorInstaller(client, TimeProvider.System).RunAsync(request, report, ct);

        if (report.Rows.Count > 0) report.Write(output);
        if (!result.TryGetValue(out var newToken, out var failure))
        {
            await error.WriteLineAsync($"✘ {failure.Message}");
            if (report.HasChanges) await error.WriteLineAsync("The changes listed above were applied; re-run the same command to finish (it is safe to repeat).");
            return failure.Kind is ErrorKind.Unauthorized or ErrorKind.Forbidden ? ExitCodes.Unauthorized
                : failure.Code == "catalog_file_invalid" ? ExitCodes.Usage
                : ExitCodes.Failed;
        }
        if (newToken is not null)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"App token for {ProvisionerApp.Identifier} (shown once; store it as the provisioner's Saleor__AppToken secret):");
            await output.WriteLineAsync(newToken);
        }
        return ExitCodes.Ok;
    }
}
