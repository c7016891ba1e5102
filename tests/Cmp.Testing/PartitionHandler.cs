namespace Cmp.Testing;

/// <summary>
/// An HTTP handler that can cut a client off its server, as a crashed pod or a network partition would: while
/// <see cref="Cut"/> is set every request fails, and response streams already open (watches) fail on their next read
/// instead of going on delivering events.
/// </summary>
public sealed class PartitionHandler : DelegatingHandler
{
    public PartitionHandler() : base(new SocketsHttpHandler()) { }

    volatile bool _cut;

    public bool Cut
    {
        get => _cut;
        set => _cut = value;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (Cut) throw new HttpRequestException("connection refused (partitioned)");
        var response = await base.SendAsync(request, ct);
        var inner = await response.Content.ReadAsStreamAsync(ct);
        var content = new StreamContent(new Severable(inner, this));
        foreach (var h in response.Content.Headers) content.Headers.TryAddWithoutValidation(h.Key, h.Value);
        response.Content = content;
        return response;
    }

    sealed class Severable(Stream inner, PartitionHandler owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => owner.Cut ? throw new IOException("partitioned") : inner.Read(buffer, offset, count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (owner.Cut) throw new IOException("partitioned");
            var n = await inner.ReadAsync(buffer, ct);
            return owner.Cut ? throw new IOException("partitioned") : n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
