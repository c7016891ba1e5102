namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>The app token on disk: readable by its owner only, replaced atomically so a reader never sees half a token.</summary>
public static class TokenFile
{
    public static string? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var token = File.ReadAllText(path).Trim();
        return token.Length == 0 ? null : token;
    }

    public static void Write(string path, string token)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(token);
        }
        File.Move(temp, full, overwrite: true);
    }
}
