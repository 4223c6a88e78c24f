using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Gateway.Providers.Bedrock.Converse;
using Gateway.Providers.Bedrock.EventStream;

// Decode throughput of EventStreamReader over an in-memory ConverseStream, in MB/s of wire bytes:
// 1) frames only (prelude + both CRCs + header index), 2) frames translated to OpenAI chunks.
// Stopwatch loop: warm up, then best of several timed rounds; allocations counted on the decoding thread.

var frames = BuildStream(frameCount: 20_000);
Console.WriteLine($"input: {frames.Length / 1024.0 / 1024.0:0.00} MB, 20,000 frames (~{frames.Length / 20_000} B each, realistic contentBlockDelta events)");
Run("decode (CRCs + headers)", frames, translate: false);
Run("decode + translate to OpenAI chunks", frames, translate: true);

static void Run(string name, byte[] data, bool translate)
{
    // Warm up by time, not count: tier-1 recompilation happens in the background ~100 ms after methods get hot.
    var warm = Stopwatch.StartNew();
    while (warm.ElapsedMilliseconds < 2000) Once(data, translate);
    const int passes = 10;
    var best = double.MaxValue;
    long allocated = 0;
    for (var round = 0; round < 10; round++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var p = 0; p < passes; p++)
            if (Once(data, translate) != 20_000) throw new InvalidOperationException("frame count mismatch");
        sw.Stop();
        allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / passes;
        best = Math.Min(best, sw.Elapsed.TotalSeconds / passes);
    }
    Console.WriteLine($"{name,-40} {data.Length / 1024.0 / 1024.0 / best,8:0} MB/s  {20_000 / best / 1e6,6:0.00} M frames/s  {allocated / 20_000.0,8:0.0} B allocated/frame");
}

static int Once(byte[] data, bool translate)
{
    using var reader = new EventStreamReader(new MemoryStream(data, writable: false), 64 * 1024);
    var translator = translate ? new ConverseStreamTranslator("chatcmpl-bench", "anthropic.claude", 1) : null;
    var n = 0;
    long sink = 0;
    while (reader.Read())
    {
        n++;
        sink += reader.EventType.Length + reader.Payload.Length;
        if (translator is not null && translator.Translate(reader.EventType, reader.Payload.Span)) sink += translator.Chunk.Length;
    }
    return sink > 0 ? n : -1;
}

static byte[] BuildStream(int frameCount)
{
    var ms = new MemoryStream();
    var rnd = new Random(42);
    for (var i = 0; i < frameCount; i++)
    {
        var text = "token " + i + " of a streamed answer, ";
        var pad = new string('p', rnd.Next(1, 40)); // Bedrock pads events with a random-length "p" field
        ms.Write(Frame("contentBlockDelta", $"{{\"contentBlockIndex\":0,\"delta\":{{\"text\":\"{text}\"}},\"p\":\"{pad}\"}}"));
    }
    return ms.ToArray();
}

static byte[] Frame(string eventType, string json)
{
    var headers = new MemoryStream();
    foreach (var (k, v) in new[] { (":event-type", eventType), (":content-type", "application/json"), (":message-type", "event") })
    {
        var name = Encoding.UTF8.GetBytes(k);
        var value = Encoding.UTF8.GetBytes(v);
        headers.WriteByte((byte)name.Length);
        headers.Write(name);
        headers.WriteByte(7);
        headers.WriteByte((byte)(value.Length >> 8));
        headers.WriteByte((byte)value.Length);
        headers.Write(value);
    }
    var h = headers.ToArray();
    var payload = Encoding.UTF8.GetBytes(json);
    var total = 12 + h.Length + payload.Length + 4;
    var frame = new byte[total];
    BinaryPrimitives.WriteInt32BigEndian(frame, total);
    BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), h.Length);
    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
    h.CopyTo(frame, 12);
    payload.CopyTo(frame, 12 + h.Length);
    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
    return frame;
}
