using System.Text.Json;

namespace Gateway.Http;

/// <summary>Reads and checks request JSON fields, turning every problem into a 400 that names the field.</summary>
public static class RequestJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) throw Errors.BadRequest("The request body is empty; send a JSON object.", code: "invalid_json");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw Errors.BadRequest($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw Errors.BadRequest("The request body must be a JSON object.", code: "invalid_json");
        }
        return doc;
    }

    public static string RequiredString(JsonElement obj, string name, string expected)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw Errors.MissingField(name, expected);
        if (v.ValueKind != JsonValueKind.String) throw Errors.InvalidField(name, "expected a string");
        var s = v.GetString()!;
        if (s.Length == 0) throw Errors.InvalidField(name, "must not be empty");
        return s;
    }

    public static bool? OptionalBool(JsonElement obj, string name, string? param = null)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Errors.InvalidField(param ?? name, "expected a boolean"),
        };
    }

    public static int? OptionalInt(JsonElement obj, string name, int min)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n)) throw Errors.InvalidField(name, "expected an integer");
        if (n < min) throw Errors.InvalidField(name, $"must be at least {min}");
        return n;
    }
}
