using System.Text.Json;

namespace Gateway.Providers.Translation;

/// <summary>
/// Writes role-grouped turns (<c>{"role":..., "&lt;parts&gt;":[...]}</c>) for providers that need consecutive messages
/// of one role merged into one turn (Anthropic's <c>content</c>, Gemini's <c>parts</c>): opening a turn of another
/// role closes the previous one.
/// </summary>
internal sealed class TurnWriter(Utf8JsonWriter w, string partsName)
{
    private string? _role;

    public Utf8JsonWriter Open(string role)
    {
        if (_role == role) return w;
        Close();
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteStartArray(partsName);
        _role = role;
        return w;
    }

    public void Close()
    {
        if (_role is null) return;
        w.WriteEndArray();
        w.WriteEndObject();
        _role = null;
    }
}
