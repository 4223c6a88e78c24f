using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>A request body read into a pooled buffer, with the size limit enforced. Dispose returns the buffer.</summary>
public sealed class RequestBody : IDisposable
{
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// Kestrel's own cap, above the gateway's limit: an oversized body is read to the end (up to this cap) and
    /// dropped, so the client gets its 413 instead of a connection reset mid-upload.
    /// </summary>
    public static long HardCap(long limit) => limit * 2 + 1024 * 1024;

    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            await DrainAsync(request.BodyReader, ct);
            throw Errors.PayloadTooLarge(limit);
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 256, limit));
        var length = 0;
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var seq = result.Buffer;
                if (length + seq.Length > limit)
                {
                    reader.AdvanceTo(seq.End);
                    await DrainAsync(reader, ct);
                    throw Errors.PayloadTooLarge(limit);
                }
                if (length + seq.Length > buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, Math.Max(buffer.Length * 2L, length + seq.Length)));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                seq.CopyTo(buffer.AsSpan(length));
                length += (int)seq.Length;
                reader.AdvanceTo(seq.End);
                if (result.IsCompleted) break;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Errors.PayloadTooLarge(limit);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new RequestBody(buffer, length);
    }

    /// <summary>Reads and discards the rest of a body; stops quietly at Kestrel's cap (the connection then closes).</summary>
    private static async Task DrainAsync(PipeReader reader, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
        }
        catch (BadHttpRequestException)
        {
        }
    }

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null!);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
