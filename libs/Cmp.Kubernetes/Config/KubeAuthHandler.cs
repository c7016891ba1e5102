using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Cmp.Kubernetes.Config;

/// <summary>Adds the bearer token (or basic credentials); after a 401, fetches a fresh token once and resends.</summary>
public sealed class KubeAuthHandler(KubeConnection connection) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (connection.Basic is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password}")));
            return await base.SendAsync(request, ct);
        }
        if (connection.Token is not { } source) return await base.SendAsync(request, ct);
        var token = await source.GetTokenAsync(ct);
        if (!token.IsSuccess) throw new HttpRequestException(token.Error.Message);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var response = await base.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.Content is not (null or ByteArrayContent)) return response;
        // The token may have rotated (file) or expired early (exec plugin): one fresh attempt.
        source.Invalidate();
        var fresh = await source.GetTokenAsync(ct);
        if (!fresh.IsSuccess || fresh.Value == token.Value) return response;
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh.Value);
        return await base.SendAsync(request, ct);
    }
}
