using System.Text.Json;

namespace Gateway.Pipeline;

/// <summary>
/// The part every request type shares: the one parsed document, kept so unknown fields pass through untouched, and
/// the rule that a document whose reading or validation fails is released at once.
/// </summary>
public abstract class ParsedRequest(JsonDocument document) : IDisposable
{
    /// <summary>The parsed body. Valid until the request is disposed.</summary>
    public JsonElement Root => document.RootElement;

    public void Dispose() => document.Dispose();

    /// <summary>Reads and validates a request from its document; the document is disposed if that throws.</summary>
    protected static T Read<T>(JsonDocument doc, Func<JsonDocument, T> read)
    {
        try
        {
            return read(doc);
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }
}
