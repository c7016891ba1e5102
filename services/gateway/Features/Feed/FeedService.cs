using System.Security.Cryptography;
using Cmp.Gateway.Features.Acp;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Feed;

public enum FeedFormat { Acp, OpenAi }

/// <summary>A generated feed on disk: its bytes never sit in memory whole.</summary>
public sealed record FeedFile(string Path, string ETag, long Length, DateTimeOffset GeneratedAt, int Products);

/// <summary>
/// Builds feeds from the Saleor catalog: pages through Saleor, writes each line to a temporary file as it arrives
/// (memory stays flat whatever the catalog's size), hashes while writing (a strong ETag), and serves that file until it
/// is <c>Feed:CacheFor</c> old. One build at a time per format; concurrent readers wait for it and share it.
/// </summary>
public sealed class FeedService(CatalogReader catalog, IOptions<FeedOptions> feed, IOptions<AcpOptions> acp, TimeProvider clock, ILogger<FeedService> log)
    : IDisposable
{
    readonly Dictionary<FeedFormat, FeedFile> _cache = [];
    readonly Dictionary<FeedFormat, SemaphoreSlim> _gates = new() { [FeedFormat.Acp] = new(1, 1), [FeedFormat.OpenAi] = new(1, 1) };
    readonly string _dir = Directory.CreateTempSubdirectory("cmp-feed-").FullName;

    public async Task<Result<FeedFile>> GetAsync(FeedFormat format, CancellationToken ct)
    {
        if (Fresh(format) is { } hit) return hit;
        var gate = _gates[format];
        await gate.WaitAsync(ct);
        try
        {
            if (Fresh(format) is { } again) return again;
            var built = await BuildAsync(format, ct);
            if (!built.IsSuccess) return built;
            lock (_cache)
            {
                if (_cache.TryGetValue(format, out var old)) TryDelete(old.Path);   // readers of the old file keep their handle
                _cache[format] = built.Value;
            }
            return built;
        }
        finally
        {
            gate.Release();
        }
    }

    FeedFile? Fresh(FeedFormat format)
    {
        lock (_cache)
            return _cache.TryGetValue(format, out var f) && clock.GetUtcNow() - f.GeneratedAt < feed.Value.CacheFor && File.Exists(f.Path) ? f : null;
    }

    async Task<Result<FeedFile>> BuildAsync(FeedFormat format, CancellationToken ct)
    {
        var o = feed.Value;
        var merchant = acp.Value.Merchant;
        var path = Path.Combine(_dir, $"{format}-{Guid.NewGuid():N}.jsonl");
        var started = clock.GetUtcNow();
        var products = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Error? failed = null;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true))
            {
                using var line = new MemoryStream();
                await foreach (var item in catalog.AllAsync(acp.Value.Channel, o.PageSize, ct))
                {
                    if (!item.TryGetValue(out var p, out var error)) { failed = error; break; }
                    if (format == FeedFormat.Acp)
                    {
                        if (!CatalogFlags.Searchable(p.Metadata)) continue;
                        FeedWriters.WriteAcpProduct(line, p, merchant, o);
                    }
                    else
                    {
                        foreach (var v in (p.Variants ?? []).Where(v => v.Sku is not null)) FeedWriters.WriteOpenAiItem(line, p, v, merchant, o);
                    }
                    products++;
                    hash.AppendData(line.GetBuffer(), 0, (int)line.Length);
                    await file.WriteAsync(line.GetBuffer().AsMemory(0, (int)line.Length), ct);
                    line.SetLength(0);
                }
            }
        }
        catch
        {
            TryDelete(path);
            throw;
        }
        if (failed is not null)
        {
            // Half a catalog is not a feed: keep serving the previous one (if any) and say why this build failed.
            TryDelete(path);
            log.LogWarning("Building the {Format} feed failed: {Error}", format, failed);
            return failed;
        }
        var etag = $"\"{Convert.ToHexStringLower(hash.GetHashAndReset())[..32]}\"";
        var info = new FileInfo(path);
        log.LogInformation("Built the {Format} feed: {Products} products, {Bytes} bytes in {ElapsedMs:F0} ms", format, products, info.Length,
            (clock.GetUtcNow() - started).TotalMilliseconds);
        return new FeedFile(path, etag, info.Length, clock.GetUtcNow(), products);
    }

    /// <summary>Forget the cached feeds (catalog changed and the caller cannot wait for <c>CacheFor</c>).</summary>
    public void Invalidate()
    {
        lock (_cache) _cache.Clear();
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        foreach (var g in _gates.Values) g.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
