using Cmp.Saleor.Catalog;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

public enum InstallAction
{
    Unchanged,
    Created,
    Updated,
    Deleted,
    Skipped,
}

/// <summary>One line of the summary: an object, what happened to it and why.</summary>
public sealed record InstallRow(string Object, string Name, InstallAction Action, IReadOnlyList<string> Details);

/// <summary>
/// What the installer did (or, in a dry run, would do), printed as a table a platform engineer can read, followed by
/// counts and warnings. Rows are added as steps finish, so a failure still shows everything done before it.
/// </summary>
public sealed class InstallReport(bool dryRun)
{
    readonly List<InstallRow> _rows = [];
    readonly List<string> _warnings = [];

    public bool DryRun { get; } = dryRun;
    public IReadOnlyList<InstallRow> Rows => _rows;
    public IReadOnlyList<string> Warnings => _warnings;

    public int Count(InstallAction action) => _rows.Count(r => r.Action == action);

    public bool HasChanges => _rows.Any(r => r.Action is InstallAction.Created or InstallAction.Updated or InstallAction.Deleted);

    public void Add(string obj, string name, InstallAction action, IEnumerable<string>? details = null) =>
        _rows.Add(new InstallRow(obj, name, action, details?.ToArray() ?? []));

    public void Add(CatalogChangeSet set)
    {
        Add(set.ObjectType, set.Key, set.Outcome switch
        {
            CatalogOutcome.Created => InstallAction.Created,
            CatalogOutcome.Updated => InstallAction.Updated,
            _ => InstallAction.Unchanged,
        }, set.Changes);
        foreach (var w in set.Warnings) Warn($"{set.ObjectType} {set.Key}: {w}");
    }

    public void Warn(string warning) => _warnings.Add(warning);

    public void Write(TextWriter output)
    {
        var header = new[] { "OBJECT", "NAME", "ACTION", "DETAIL" };
        var lines = new List<string[]>();
        foreach (var r in _rows)
        {
            var first = r.Details.Count > 0 ? r.Details[0] : "";
            lines.Add([r.Object, r.Name, Word(r.Action), first]);
            lines.AddRange(r.Details.Skip(1).Select(d => new[] { "", "", "", d }));
        }
        var widths = Enumerable.Range(0, 3).Select(i => lines.Select(l => l[i].Length).Append(header[i].Length).Max()).ToArray();
        string Format(string[] cells) => string.Join("  ", cells.Take(3).Select((c, i) => c.PadRight(widths[i])).Append(cells[3])).TrimEnd();
        output.WriteLine(Format(header));
        foreach (var line in lines) output.WriteLine(Format(line));
        output.WriteLine();
        output.WriteLine(Summary());
        foreach (var w in _warnings) output.WriteLine($"warning: {w}");
    }

    public string Summary()
    {
        var counts = $"{Count(InstallAction.Created)} {(DryRun ? "to create" : "created")}, {Count(InstallAction.Updated)} {(DryRun ? "to update" : "updated")}, " +
                     $"{Count(InstallAction.Deleted)} {(DryRun ? "to delete" : "deleted")}, {Count(InstallAction.Unchanged)} unchanged";
        if (DryRun) return HasChanges ? $"Dry run, nothing was changed. Planned: {counts}." : "Dry run: no changes needed, Saleor already matches.";
        return HasChanges ? $"Done: {counts}." : $"No changes: Saleor already matches ({Count(InstallAction.Unchanged)} unchanged).";
    }

    string Word(InstallAction action) => (action, DryRun) switch
    {
        (InstallAction.Created, false) => "created",
        (InstallAction.Updated, false) => "updated",
        (InstallAction.Deleted, false) => "deleted",
        (InstallAction.Created, true) => "to create",
        (InstallAction.Updated, true) => "to update",
        (InstallAction.Deleted, true) => "to delete",
        (InstallAction.Skipped, _) => "skipped",
        _ => "unchanged",
    };
}
