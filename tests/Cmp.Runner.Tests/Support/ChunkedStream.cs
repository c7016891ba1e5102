namespace Cmp.Runner.Tests.Support;

/// <summary>A body that arrives in pieces of at most <c>chunk</c> bytes, like a slow network; optionally never ends.</summary>
public sealed class ChunkedStream(byte[] bytes, int chunk, bool hangAtEnd = false) : Stream
{
    int _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_position >= bytes.Length)
        {
            if (hangAtEnd) await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }
        var n = Math.Min(Math.Min(chunk, buffer.Length), bytes.Length - _position);
        bytes.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        await Task.Yield();
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
