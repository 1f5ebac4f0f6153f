using System.Text;
using Bogus;

namespace Platform.SourceSimulator.Domain.People;

/// <summary>
/// Deterministic, random-access pseudo-randomness: every value is a pure function of (seed, tag, index), so a record
/// can be generated on its own, in any order, and comes out the same in every process and on every machine.
/// </summary>
internal static class Det
{
    private const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>SplitMix64's finaliser: a good 64-bit mix.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(int seed, string tag, long index)
    {
        // FNV-1a of the tag: string.GetHashCode is randomised per process.
        var h = 14695981039346656037UL;
        foreach (var c in tag)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return Mix(Mix(h ^ (uint)seed) ^ (ulong)index);
    }

    /// <summary>A number in [0, 1) from a hash.</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / 9007199254740992.0);

    public static double Unit(int seed, string tag, long index) => Unit(Hash(seed, tag, index));

    /// <summary>A number in [0, n) from a hash.</summary>
    public static long Below(ulong hash, long n) => n <= 0 ? 0 : (long)(hash % (ulong)n);

    /// <summary>A Bogus randomizer for one record (Bogus seeds are ints).</summary>
    public static Randomizer Rng(int seed, string tag, long index) => new(unchecked((int)Hash(seed, tag, index)));

    /// <summary><paramref name="length"/> base-62 characters of <paramref name="value"/> (least significant first).</summary>
    public static string Base62(ulong value, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Base62Alphabet[(int)(value % 62)]);
            value /= 62;
        }
        return builder.ToString();
    }

    /// <summary>
    /// A Stripe-looking id: <paramref name="prefix"/>, random characters, then the index in base 62, so ids are unique
    /// within a stream whatever the hash gives.
    /// </summary>
    public static string StripeId(string prefix, int seed, string stream, long index, int length)
    {
        var indexPart = Base62((ulong)index, 5);
        return prefix + Base62(Hash(seed, "id:" + stream, index), length - 5) + Reverse(indexPart);
    }

    /// <summary>A version-4-shaped UUID derived from a hash (stable for the same input).</summary>
    public static Guid Uuid(int seed, string tag, long index)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Hash(seed, tag, index));
        BitConverter.TryWriteBytes(bytes[8..], Hash(seed, tag + ":2", index));
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static string Reverse(string value)
    {
        var chars = value.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }
}
