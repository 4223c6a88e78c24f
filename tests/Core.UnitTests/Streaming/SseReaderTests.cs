using System.Text;
using Gateway.Streaming;

namespace Gateway.Tests.Streaming;

public sealed class SseReaderTests
{
    private sealed record Event(string Name, string Data);

    private static async Task<List<Event>> ReadAll(Stream stream)
    {
        using var reader = new SseReader(stream);
        var events = new List<Event>();
        while (await reader.ReadEventAsync(CancellationToken.None))
            events.Add(new Event(Encoding.UTF8.GetString(reader.EventName), Encoding.UTF8.GetString(reader.Data.Span)));
        Assert.False(await reader.ReadEventAsync(CancellationToken.None));
        return events;
    }

    private static Task<List<Event>> ReadAll(string text, int chunk = int.MaxValue) =>
        ReadAll(ChunkedStream.Fixed(Encoding.UTF8.GetBytes(text), chunk));

    private const string Mixed =
        ": ping\r\n" +
        "id: 1\r\n" +
        "retry: 3000\r\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"héllo 🌍 世界\"}}]}\r\n" +
        "\r\n" +
        "event: error\n" +
        "data: line one\n" +
        "data:line two\n" +
        "data\n" +
        "\n" +
        "\n" +
        ":comment only\n" +
        "\n" +
        "data:  two spaces\n" +
        "\n" +
        "data: [DONE]\n" +
        "\n";

    private static readonly Event[] MixedEvents =
    [
        new("", "{\"choices\":[{\"delta\":{\"content\":\"héllo 🌍 世界\"}}]}"),
        new("error", "line one\nline two\n"),
        new("", " two spaces"),
        new("", "[DONE]"),
    ];

    [Fact]
    public async Task Reads_events_from_a_whole_buffer()
    {
        Assert.Equal(MixedEvents, await ReadAll(Mixed));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(64)]
    public async Task Every_fixed_split_gives_the_same_events(int chunk)
    {
        Assert.Equal(MixedEvents, await ReadAll(Mixed, chunk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(20240601)]
    public async Task Random_splits_give_the_same_events(int seed)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Mixed, 20)));
        var expected = Enumerable.Repeat(MixedEvents, 20).SelectMany(e => e).ToList();

        var stream = ChunkedStream.Random(bytes, seed, maxSize: 13);
        Assert.Equal(expected, await ReadAll(stream));
        Assert.True(stream.Reads > bytes.Length / 13);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Line_endings_lf_and_crlf_are_equivalent(string eol)
    {
        var text = $"event: a{eol}data: x{eol}data: y{eol}{eol}data: z{eol}{eol}";

        Assert.Equal([new Event("a", "x\ny"), new Event("", "z")], await ReadAll(text, 1));
    }

    [Fact]
    public async Task Multi_line_data_is_joined_with_newline()
    {
        Assert.Equal([new Event("", "a\nb\nc")], await ReadAll("data: a\ndata: b\ndata: c\n\n"));
    }

    [Fact]
    public async Task Space_after_the_colon_is_optional_and_only_one_is_removed()
    {
        var events = await ReadAll("data:nospace\n\ndata: one\n\ndata:  two\n\ndata:\n\n");

        Assert.Equal(["nospace", "one", " two", ""], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Event_name_is_reported_and_reset_between_events()
    {
        var events = await ReadAll("event: message_start\ndata: 1\n\ndata: 2\n\nevent:ping\ndata: 3\n\n");

        Assert.Equal([new Event("message_start", "1"), new Event("", "2"), new Event("ping", "3")], events);
    }

    [Fact]
    public async Task Comments_ids_retries_and_unknown_fields_are_ignored()
    {
        var events = await ReadAll(": ping\n\n:\n\nid: 7\nretry: 10\nfoo: bar\n\n: keep-alive\ndata: real\nid: 8\n\n");

        Assert.Equal([new Event("", "real")], events);
    }

    [Theory]
    [InlineData("data: last")]
    [InlineData("data: last\n")]
    [InlineData("data: last\r\n")]
    public async Task Event_at_end_of_stream_without_blank_line_is_delivered(string tail)
    {
        foreach (var chunk in new[] { 1, 4, 1000 })
            Assert.Equal([new Event("", "first"), new Event("", "last")], await ReadAll("data: first\n\n" + tail, chunk));
    }

    [Fact]
    public async Task Empty_stream_has_no_events()
    {
        Assert.Empty(await ReadAll(""));
        Assert.Empty(await ReadAll("\n\n\r\n: just a comment\n\n"));
    }

    [Fact]
    public async Task Utf8_characters_split_across_reads_stay_intact()
    {
        var text = "é世🌍ß" + new string('x', 3) + "\u00e9\u4e16\ud83c\udf0d";
        var sse = $"data: {text}\n\ndata: {text}{text}\n\n";

        foreach (var chunk in new[] { 1, 2, 3 })
            Assert.Equal([new Event("", text), new Event("", text + text)], await ReadAll(sse, chunk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task Large_events_are_read_whole(int chunk)
    {
        var big = string.Concat(Enumerable.Range(0, 100 * 1024 / 10).Select(i => $"{i,9}|"));
        var second = new string('é', 40 * 1024);
        var sse = $"data: {big}\n\ndata: {second}\ndata: {big}\n\ndata: small\n\n";

        var events = await ReadAll(sse, chunk);

        Assert.Equal(3, events.Count);
        Assert.Equal(big.Length, events[0].Data.Length);
        Assert.Equal(big, events[0].Data);
        Assert.Equal(second + "\n" + big, events[1].Data);
        Assert.Equal("small", events[2].Data);
    }

    [Fact]
    public async Task Data_stays_valid_until_the_next_read()
    {
        using var reader = new SseReader(ChunkedStream.Fixed("data: one\n\ndata: two\n\n"u8.ToArray(), 3));

        Assert.True(await reader.ReadEventAsync(CancellationToken.None));
        Assert.Equal("one", Encoding.UTF8.GetString(reader.Data.Span));
        Assert.True(await reader.ReadEventAsync(CancellationToken.None));
        Assert.Equal("two", Encoding.UTF8.GetString(reader.Data.Span));
        Assert.False(await reader.ReadEventAsync(CancellationToken.None));
        Assert.True(reader.Data.IsEmpty);
    }

    [Fact]
    public async Task Cancellation_is_passed_to_the_stream()
    {
        using var reader = new SseReader(new BlockingStream());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadEventAsync(cts.Token));
    }

    private sealed class BlockingStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
