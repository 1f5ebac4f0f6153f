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

    /// <summary><paramref name="length"/> random-looking base-62 characters drawn from <paramref name="value"/> and its successors.</summary>
    public static string Base62(ulong value, int length)
    {
        var builder = new StringBuilder(length);
        var state = value;
        var digits = 0;
        for (var i = 0; i < length; i++)
        {
            if (digits == 10)
            {
                // 62^10 < 2^64: ten digits per 64-bit state, then a fresh state.
                state = Mix(value + (ulong)i);
                digits = 0;
            }
            builder.Append(Base62Alphabet[(int)(state % 62)]);
            state /= 62;
            digits++;
        }
        return builder.ToString();
    }

    /// <summary>
    /// A Stripe-looking id: <paramref name="prefix"/> then base-62 characters. The first eleven encode a bijective mix of
    /// the index (unique within a stream whatever the seed), the rest are random.
    /// </summary>
    public static string StripeId(string prefix, int seed, string stream, long index, int length)
    {
        var salt = Hash(seed, "id:" + stream, 0);
        // SplitMix64's finaliser is a bijection of 64-bit values, and eleven base-62 digits hold any of them.
        var unique = Mix((ulong)index ^ salt);
        var builder = new StringBuilder(prefix, prefix.Length + length);
        for (var i = 0; i < Math.Min(11, length); i++)
        {
            builder.Append(Base62Alphabet[(int)(unique % 62)]);
            unique /= 62;
        }
        if (length > 11)
        {
            builder.Append(Base62(Hash(seed, "id-tail:" + stream, index), length - 11));
        }
        return builder.ToString();
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
}
