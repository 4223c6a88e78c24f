using System.Security.Cryptography;
using System.Text;

namespace Gateway.Stores.Tables;

/// <summary>Partition and row keys. Ids are escaped so characters Table Storage forbids in keys (/ \ # ?) cannot appear.</summary>
internal static class TableNames
{
    public const string Record = "record";
    public const string Counter = "counter";
    public const string AliasRow = "alias";
    public const string ReservationPrefix = "res:";

    /// <summary>Keys are at most 1 KiB: a longer escaped subject keeps its kind prefix and is named by its SHA-256 instead.</summary>
    private const int MaxKeyChars = 255;

    public static string Escape(string s) => s.Replace("%", "%25").Replace("/", "%2F").Replace("\\", "%5C").Replace("#", "%23").Replace("?", "%3F");

    public static string Partition(string subject)
    {
        var escaped = Escape(subject);
        if (escaped.Length <= MaxKeyChars) return escaped;
        var kind = subject[..(subject.IndexOf(':') + 1)];
        return kind + "~sha256~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));
    }

    public static string Alias(string alias) => "alias:" + Escape(alias);
    public static string Reservation(string id) => ReservationPrefix + id;
}
