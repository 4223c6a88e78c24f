using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Gateway.Caching.Semantic;

/// <summary>
/// float32 vectors to and from compact float16 blobs (little-endian, two bytes per dimension). A unit vector's
/// components are within ±1, where float16 keeps about three decimal digits: a cosine moves by well under 0.001.
/// </summary>
public static class HalfVectors
{
    public static byte[] Encode(ReadOnlySpan<float> vector)
    {
        var halves = new Half[vector.Length];
        TensorPrimitives.ConvertToHalf(vector, halves);
        var bytes = MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) SwapPairs(bytes);
        return bytes;
    }

    /// <summary>The vector, scaled back to unit length; null for a blob that is not whole float16 values or is all zero.</summary>
    public static float[]? DecodeUnit(ReadOnlySpan<byte> blob)
    {
        if (blob.Length == 0 || blob.Length % 2 != 0) return null;
        var bytes = blob.ToArray();
        if (!BitConverter.IsLittleEndian) SwapPairs(bytes);
        var values = new float[bytes.Length / 2];
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), values);
        return SemanticIndex.Normalize(values);
    }

    private static void SwapPairs(byte[] bytes)
    {
        for (var i = 0; i + 1 < bytes.Length; i += 2) (bytes[i], bytes[i + 1]) = (bytes[i + 1], bytes[i]);
    }
}
