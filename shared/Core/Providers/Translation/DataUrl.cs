namespace Gateway.Providers.Translation;

/// <summary>Splits <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> URLs, the form OpenAI clients send inline images and files in.</summary>
public static class DataUrl
{
    public static bool TryParse(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return false;
        var comma = url.IndexOf(',');
        if (comma < 0) return false;
        var meta = url[5..comma];
        if (!meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)) return false;
        mediaType = meta[..^7];
        data = url[(comma + 1)..];
        return mediaType.Length > 0;
    }
}
