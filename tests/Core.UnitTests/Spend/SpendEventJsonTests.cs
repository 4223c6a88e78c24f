using System.Text.Json;
using Gateway.Spend;

namespace Gateway.Tests.Spend;

/// <summary>Events written by another version (fields missing) read with the documented defaults, and round-trip exactly.</summary>
public sealed class SpendEventJsonTests
{
    [Fact]
    public void Missing_fields_take_their_defaults()
    {
        var e = JsonSerializer.Deserialize("""{"id":"req_1","call_type":"chat_completion","start_time":"2026-11-24T09:30:00Z","model":"m","status":"success","spend":0.1}""", SpendJson.Default.SpendEvent)!;
        Assert.NotNull(e.Tags);
        Assert.Empty(e.Tags);
        Assert.True(e.Priced);
        Assert.Equal(0.1m, e.Spend);
        Assert.Equal(new DateOnly(2026, 11, 24), e.Day);
    }

    [Fact]
    public void Decimals_round_trip_exactly()
    {
        var e = new SpendEvent { Id = "req_2", CallType = "embedding", Model = "m", Status = "success", Spend = 0.000000075m * 3, Tags = ["a"] };
        var back = JsonSerializer.Deserialize(JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent), SpendJson.Default.SpendEvent)!;
        Assert.Equal(0.000000225m, back.Spend);
        Assert.Equal(["a"], back.Tags);
    }
}
