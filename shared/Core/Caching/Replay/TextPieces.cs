namespace Gateway.Caching.Replay;

/// <summary>Cuts a cached text into the small deltas a replayed stream sends, never inside a surrogate pair.</summary>
internal static class TextPieces
{
    /// <summary>About a few words per delta, as a model streams; small enough that a client sees a real stream.</summary>
    public const int Size = 24;

    public static IEnumerable<string> Of(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            var n = Math.Min(Size, text.Length - i);
            if (n < text.Length - i && char.IsHighSurrogate(text[i + n - 1])) n++;
            yield return text.Substring(i, n);
            i += n;
        }
    }
}
