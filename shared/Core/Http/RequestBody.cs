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

    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) throw Errors.PayloadTooLarge(limit);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 256, limit));
        var length = 0;
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var seq = result.Buffer;
                if (length + seq.Length > limit) throw Errors.PayloadTooLarge(limit);
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

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null!);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
