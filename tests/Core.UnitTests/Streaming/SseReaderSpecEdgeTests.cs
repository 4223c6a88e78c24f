using System.Text;
using Gateway.Streaming;

namespace Gateway.Tests.Streaming;

/// <summary>Regression tests for SSE spec corners the reader once got wrong: BOM, lone CR line endings, CR at end of stream.</summary>
public sealed class SseReaderSpecEdgeTests
{
    private static async Task<List<string>> Data(byte[] bytes, int chunk)
    {
        using var reader = new SseReader(ChunkedStream.Fixed(bytes, chunk));
        var events = new List<string>();
        while (await reader.ReadEventAsync(CancellationToken.None)) events.Add(Encoding.UTF8.GetString(reader.Data.Span));
        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1024)]
    public async Task A_leading_byte_order_mark_does_not_swallow_the_first_event(int chunk)
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("data: first\n\ndata: second\n\n")).ToArray();
        Assert.Equal(["first", "second"], await Data(bytes, chunk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1024)]
    public async Task Lone_CR_ends_lines(int chunk)
    {
        Assert.Equal(["a\nb", "c"], await Data(Encoding.UTF8.GetBytes("data: a\rdata: b\r\rdata: c\r\r"), chunk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1024)]
    public async Task CRLF_split_between_reads_is_one_line_ending(int chunk)
    {
        Assert.Equal(["a", "b"], await Data(Encoding.UTF8.GetBytes("data: a\r\n\r\ndata: b\r\n\r\n"), chunk));
    }

    [Fact]
    public async Task A_trailing_CR_at_end_of_stream_is_not_part_of_the_data()
    {
        Assert.Equal(["x"], await Data(Encoding.UTF8.GetBytes("data: x\r"), 1024));
    }
}
