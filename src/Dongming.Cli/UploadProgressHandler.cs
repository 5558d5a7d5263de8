using System.Net;

namespace Dongming.Cli;

/// <summary>
/// Counts the bytes of a request body as HTTP/2 sends them (each 64 KB chunk written once flow control lets it go), so
/// an import can show how much of the file has gone up. Off unless <see cref="Progress"/> is set for the next call.
/// </summary>
internal sealed class UploadProgressHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Called with the bytes sent so far; null: nothing counted.</summary>
    public Action<long>? Progress { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Progress is { } progress && request.Content is { } content) request.Content = new CountingContent(content, progress);
        return base.SendAsync(request, cancellationToken);
    }

    private sealed class CountingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action<long> _progress;

        public CountingContent(HttpContent inner, Action<long> progress)
        {
            _inner = inner;
            _progress = progress;
            foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var counting = new CountingStream(stream, _progress);
            await _inner.CopyToAsync(counting, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class CountingStream(Stream inner, Action<long> progress) : Stream
    {
        private const int Chunk = 64 * 1024;
        private long _sent;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var offset = 0; offset < buffer.Length; offset += Chunk)
            {
                var part = buffer.Slice(offset, Math.Min(Chunk, buffer.Length - offset));
                await inner.WriteAsync(part, cancellationToken);
                _sent += part.Length;
                progress(_sent);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        // The stream belongs to the HTTP connection: not disposed here.
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
