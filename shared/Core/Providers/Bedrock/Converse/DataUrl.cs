using System.Text;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>Reads <c>data:&lt;type&gt;;base64,&lt;bytes&gt;</c> URLs: Converse takes inline bytes only, never a link.</summary>
internal readonly record struct DataUrl(string MediaType, string Base64)
{
    public static DataUrl Parse(string? url, string param)
    {
        if (url is null || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            throw Errors.InvalidField(param, "Bedrock takes images and documents inline only; send a data:<type>;base64,... URL");
        var comma = url.IndexOf(',');
        var marker = url.IndexOf(";base64", StringComparison.OrdinalIgnoreCase);
        if (comma < 0 || marker < 0 || marker > comma) throw Errors.InvalidField(param, "expected data:<type>;base64,<data>");
        return new DataUrl(url[5..marker].ToLowerInvariant(), url[(comma + 1)..]);
    }

    public static string ImageFormat(string mediaType, string param) => mediaType switch
    {
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpeg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => throw Errors.InvalidField(param, $"image type '{mediaType}' is not supported by Bedrock (png, jpeg, gif, webp)"),
    };

    public static string DocumentFormat(string mediaType, string? fileName, string param)
    {
        var fromType = mediaType switch
        {
            "application/pdf" => "pdf",
            "text/csv" => "csv",
            "text/plain" => "txt",
            "text/html" => "html",
            "text/markdown" => "md",
            "application/msword" => "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
            "application/vnd.ms-excel" => "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
            _ => null,
        };
        var ext = Path.GetExtension(fileName ?? "").TrimStart('.').ToLowerInvariant();
        return fromType ?? (ext is "pdf" or "csv" or "doc" or "docx" or "xls" or "xlsx" or "html" or "txt" or "md" ? ext
            : throw Errors.InvalidField(param, $"document type '{mediaType}' is not supported by Bedrock"));
    }

    /// <summary>Bedrock allows letters, digits, single spaces, hyphens, parentheses and square brackets in a document name.</summary>
    public static string DocumentName(string? fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName ?? "");
        var sb = new StringBuilder(stem.Length);
        foreach (var ch in stem)
        {
            var c = char.IsAsciiLetterOrDigit(ch) || ch is '-' or '(' or ')' or '[' or ']' ? ch : ' ';
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        var name = sb.ToString().Trim();
        return name.Length == 0 ? "document" : name;
    }
}
