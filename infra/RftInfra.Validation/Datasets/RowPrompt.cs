using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using RftInfra.Files;

namespace RftInfra.Datasets;

/// <summary>
/// One row's prompt for the leakage check, gathered while the scan reads the row: each text of a message (its
/// content string or each text part) in canonical form (see <see cref="JsonEscapes"/>), and after each message a part
/// for its role. Hashing every text of every row cost a tenth of the scan, so a row first gets a cheap
/// <see cref="Fingerprint"/> (each text's length and first and last <see cref="EdgeBytes"/> bytes, mixed without a
/// hash call); only rows worth it (every row of the file whose prompts are collected, and rows of the other file
/// whose fingerprint is among them) get the full <see cref="Hash"/>, computed from the texts' places in the line,
/// which is still in the buffer. A weak fingerprint costs only extra full hashes, never a missed leak.
/// </summary>
internal sealed class RowPrompt
{
    /// <summary>How many bytes at each end of a text go into its fingerprint.</summary>
    public const int EdgeBytes = sizeof(ulong);

    // Role parts: a role's value with these high bits, which a text's 64-bit hash has with probability 2^-56.
    private const ulong RoleTag = 0xFFFF_FFFF_FFFF_FF00;

    private ulong[] _fingerprints = new ulong[32];
    private ulong[] _hashes = new ulong[32];
    private TextPlace[] _places = new TextPlace[32];
    private byte[] _canonical = new byte[256];
    private int _count;

    /// <summary>Where a text's raw bytes stand in the line, and whether its escapes must be re-encoded; Start -1 for a role.</summary>
    private readonly record struct TextPlace(int Start, int Length, bool Reencoded);

    public void Clear() => _count = 0;

    /// <summary>A buffer for the canonical form of a text of <paramref name="rawLength"/> bytes (it is never longer).</summary>
    public Span<byte> CanonicalBuffer(int rawLength)
    {
        if (rawLength > _canonical.Length)
        {
            _canonical = new byte[Math.Max(rawLength, _canonical.Length * 2)];
        }

        return _canonical;
    }

    /// <summary>
    /// A text: the first and last <see cref="EdgeBytes"/> bytes of its canonical form (the whole text when shorter) and
    /// that form's length, and where its raw bytes stand in the line (<paramref name="start"/>, <paramref name="rawLength"/>).
    /// </summary>
    public void AddText(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, int length, int start, int rawLength, bool reencoded)
    {
        var fingerprint = ((ulong)length + 1) * 0x9E3779B97F4A7C15;
        fingerprint = (fingerprint ^ Edge(head)) * 0xBF58476D1CE4E5B9;
        fingerprint = (fingerprint ^ Edge(tail)) * 0x94D049BB133111EB;
        Add(fingerprint ^ (fingerprint >> 31), new TextPlace(start, rawLength, reencoded));
    }

    /// <summary><see cref="AddText(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, int, int, bool)"/> for a text whole in canonical form.</summary>
    public void AddText(ReadOnlySpan<byte> canonical, int start, int rawLength, bool reencoded)
    {
        var edge = Math.Min(EdgeBytes, canonical.Length);
        AddText(canonical[..edge], canonical[^edge..], canonical.Length, start, rawLength, reencoded);
    }

    public void AddRole(byte role) => Add(RoleTag | role, new TextPlace(-1, 0, false));

    /// <summary>The row's fingerprint: its parts mixed in order (a pre-filter, so no hash call).</summary>
    public ulong Fingerprint()
    {
        ulong fingerprint = 0;
        foreach (var part in _fingerprints.AsSpan(0, _count))
        {
            fingerprint = (ulong.RotateLeft(fingerprint, 23) ^ part) * 0x9E3779B97F4A7C15;
        }

        return fingerprint;
    }

    /// <summary>The XxHash3 of every text in canonical form and every role, from the row's <paramref name="line"/>.</summary>
    public ulong Hash(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < _count; i++)
        {
            var place = _places[i];
            if (place.Start < 0)
            {
                _hashes[i] = _fingerprints[i];
                continue;
            }

            var text = line.Slice(place.Start, place.Length);
            if (place.Reencoded)
            {
                var canonical = CanonicalBuffer(text.Length);
                JsonEscapes.Walk(text, JsonEscapes.IndexOfReencoded(text), canonical, out var length, out _);
                text = canonical[..length];
            }

            _hashes[i] = XxHash3.HashToUInt64(text);
        }

        return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(_hashes.AsSpan(0, _count)));
    }

    /// <summary>Up to 8 bytes as one number (zero-padded).</summary>
    private static ulong Edge(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == EdgeBytes)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }

        ulong value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    private void Add(ulong fingerprint, TextPlace place)
    {
        if (_count == _fingerprints.Length)
        {
            Array.Resize(ref _fingerprints, _count * 2);
            Array.Resize(ref _hashes, _count * 2);
            Array.Resize(ref _places, _count * 2);
        }

        _fingerprints[_count] = fingerprint;
        _places[_count++] = place;
    }
}
