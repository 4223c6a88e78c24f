namespace Gateway.Stores.Tables;

/// <summary>Partition and row keys. Ids are escaped so characters Table Storage forbids in keys (/ \ # ?) cannot appear.</summary>
internal static class TableNames
{
    public const string Record = "record";
    public const string Counter = "counter";
    public const string AliasRow = "alias";
    public const string ReservationPrefix = "res:";

    public static string Escape(string s) => s.Replace("%", "%25").Replace("/", "%2F").Replace("\\", "%5C").Replace("#", "%23").Replace("?", "%3F");

    public static string Partition(string subject) => Escape(subject);
    public static string Alias(string alias) => "alias:" + Escape(alias);
    public static string Reservation(string id) => ReservationPrefix + id;
}
