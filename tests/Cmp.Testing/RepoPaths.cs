namespace Cmp.Testing;

/// <summary>Where the repository and the shared reference specifications are.</summary>
public static class RepoPaths
{
    static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the folder holding CMP.sln).</summary>
    public static string Root => RootPath.Value;

    /// <summary>
    /// The reference specifications (Saleor schema, ACP, Kubernetes…): <c>CMP_REFERENCE_DIR</c>, else
    /// <c>&lt;repo&gt;/../shared/reference</c>. Tests that need them call <see cref="RequireReference"/>, which fails
    /// loudly when the folder is absent instead of letting a conformance test pass without checking anything.
    /// </summary>
    public static string Reference =>
        Environment.GetEnvironmentVariable("CMP_REFERENCE_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    public static string RequireReference(string relative)
    {
        var path = Path.Combine(Reference, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new InvalidOperationException(
                $"The reference file '{relative}' is missing (looked in {Reference}). Conformance tests need the shared " +
                "reference folder beside the repository, or CMP_REFERENCE_DIR pointing at it.");
        return path;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CMP.sln"))) return dir.FullName;
        throw new InvalidOperationException($"CMP.sln not found above {AppContext.BaseDirectory}.");
    }
}
