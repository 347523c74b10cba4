using System.Text;
using System.Text.Unicode;
using RftInfra.Datasets;
using RftInfra.Diagnostics;
using RftInfra.Files;

namespace RftInfra.Core.Tests.Datasets;

/// <summary>
/// The scanner's fast paths (vectorised UTF-8 check, vectorised escape search, prompt fingerprints before full hashes)
/// against the slow answers.
/// </summary>
public sealed class DatasetFastPathTests : IDisposable
{
    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    // Valid characters of each length, and byte sequences that are not UTF-8 (continuation alone, overlong forms,
    // surrogates, above U+10FFFF, bytes that never occur, cut-off characters).
    private static readonly byte[][] ValidPieces =
    [
        "a"u8.ToArray(), " the capital "u8.ToArray(), "é"u8.ToArray(), "Ж"u8.ToArray(), "東京"u8.ToArray(),
        "€"u8.ToArray(), "😀"u8.ToArray(), [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF], [0xED, 0x9F, 0xBF],
        [0xE0, 0xA0, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xC2, 0x80],
    ];

    private static readonly byte[][] InvalidPieces =
    [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0xC3], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xC3, 0x28],
        [0xE2, 0x28, 0xA1], [0xF0, 0x9F, 0x98, 0x80, 0x80],
    ];

    [Fact]
    public void Utf8Validation_AgreesWithTheRuntime_OnRandomMixes()
    {
        var random = new Random(7);
        var invalidSeen = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var bytes = new List<byte>();
            var length = random.Next(0, 160);
            while (bytes.Count < length)
            {
                var pieces = random.Next(40) == 0 ? InvalidPieces : ValidPieces;
                bytes.AddRange(pieces[random.Next(pieces.Length)]);
            }

            var array = bytes.ToArray();
            var expected = Utf8.IsValid(array);
            invalidSeen += expected ? 0 : 1;
            Assert.True(expected == Utf8Validation.IsValid(array), $"{Convert.ToHexString(array)}: expected {expected}");
        }

        Assert.InRange(invalidSeen, 1000, 19_000); // both answers were exercised
    }

    [Fact]
    public void Utf8Validation_AgreesWithTheRuntime_OnLongLines()
    {
        // Lengths across the 64-byte steps, the 32-byte step after them and the zero-padded end; mostly multilingual,
        // sometimes long ASCII runs (the all-ASCII shortcut), one bad piece in some.
        var random = new Random(11);
        var invalidSeen = 0;
        for (var round = 0; round < 5_000; round++)
        {
            var bytes = new List<byte>();
            var length = random.Next(60, 700);
            while (bytes.Count < length)
            {
                bytes.AddRange(random.Next(4) == 0
                    ? Enumerable.Repeat((byte)'x', random.Next(1, 90))
                    : ValidPieces[random.Next(ValidPieces.Length)]);
            }

            if (random.Next(3) == 0)
            {
                var at = random.Next(bytes.Count + 1);
                while (at < bytes.Count && (bytes[at] & 0xC0) == 0x80)
                {
                    at++; // between characters, so the valid text around it stays valid
                }

                bytes.InsertRange(at, InvalidPieces[random.Next(InvalidPieces.Length)]);
            }

            var array = bytes.ToArray();
            var expected = Utf8.IsValid(array);
            invalidSeen += expected ? 0 : 1;
            Assert.True(expected == Utf8Validation.IsValid(array), $"{Convert.ToHexString(array)}: expected {expected}");
        }

        Assert.InRange(invalidSeen, 500, 4_000);
    }

    [Fact]
    public void JsonEscapes_IndexOfReencoded_AgreesWithAPlainSearch()
    {
        var random = new Random(5);
        var alphabet = "ab\\u/\"\n"u8.ToArray();
        for (var round = 0; round < 20_000; round++)
        {
            var raw = new byte[random.Next(0, 120)];
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = random.Next(8) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)'x';
            }

            var u = raw.AsSpan().IndexOf("\\u"u8);
            var slash = raw.AsSpan().IndexOf("\\/"u8);
            var expected = u < 0 ? slash : slash < 0 ? u : Math.Min(u, slash);
            Assert.True(expected == JsonEscapes.IndexOfReencoded(raw), Encoding.ASCII.GetString(raw));
        }
    }

    [Fact]
    public void Utf8Validation_FindsOneBadSequenceAnywhereInAsciiText()
    {
        // Every position, so the bad bytes fall at the start, inside, across and at the end of the 32-byte blocks.
        foreach (var bad in InvalidPieces)
        {
            for (var at = 0; at <= 100; at++)
            {
                var bytes = Encoding.ASCII.GetBytes(new string('x', 100)).ToList();
                bytes.InsertRange(at, bad);
                Assert.False(Utf8Validation.IsValid(bytes.ToArray()), $"{Convert.ToHexString(bad)} at {at}");
            }
        }

        foreach (var good in ValidPieces)
        {
            for (var at = 0; at <= 100; at++)
            {
                var bytes = Encoding.ASCII.GetBytes(new string('x', 100)).ToList();
                bytes.InsertRange(at, good);
                Assert.True(Utf8Validation.IsValid(bytes.ToArray()), $"{Convert.ToHexString(good)} at {at}");
            }
        }
    }

    [Fact]
    public void Scan_InvalidUtf8InAnOtherwiseAsciiLongLine_IsStillReportedWithItsLine()
    {
        var good = """{"messages":[{"role":"user","content":"A long enough question that spans several blocks?"}]}""";
        var prefix = """{"messages":[{"role":"user","content":"A long enough question that spans several blocks """;
        var bytes = Encoding.UTF8.GetBytes($"{good}\n{prefix}")
            .Concat(new byte[] { 0xED, 0xA0, 0x80 }) // an encoded surrogate: not UTF-8
            .Concat(Encoding.UTF8.GetBytes("?\"}]}\n"))
            .ToArray();
        foreach (var collect in new[] { false, true })
        {
            var finding = Assert.Single(_files.Scan(bytes, collect: collect).Diagnostics);
            Assert.Equal(DatasetDiagnostics.InvalidUtf8Code, finding.Code);
            Assert.Equal(new SourcePosition(2, prefix.Length + 1), finding.Position);
            Assert.Contains("0xED", finding.Message);
        }
    }

    [Theory]
    // Short escapes kept as they are around \u and \/ escapes that are re-encoded, in one string.
    [InlineData(@"say \""hi\"" \\ caf\u00e9\nnext a\/b \ud83d\ude00", @"say \""hi\"" \\ café\nnext a/b 😀")]
    [InlineData(@"\t\u0009\/\/\\\u005c", @"\t\t//\\\\")]
    [InlineData(@"\\/ \\u0041", @"\\/ \\u0041")]
    [InlineData(@"end\u0041", "endA")]
    [InlineData(@"\u0041start", "Astart")]
    public void Scan_PromptHash_ReencodedEqualsAlreadyCanonical(string escaped, string canonical)
    {
        var a = _files.Scan($$"""{"messages":[{"role":"user","content":"{{escaped}}"}]}""", collect: true);
        var b = _files.Scan($$"""{"messages":[{"role":"user","content":"{{canonical}}"}]}""", collect: true);
        var c = _files.Scan($$"""{"messages":[{"role":"user","content":"{{canonical}}."}]}""", collect: true);
        Assert.Empty(a.Diagnostics);
        Assert.Empty(b.Diagnostics);
        Assert.Equal(a.Prompts.Hashes, b.Prompts.Hashes);
        Assert.NotEqual(a.Prompts.Hashes, c.Prompts.Hashes);
    }

    [Fact]
    public void Scan_EscapedKeysAndRoles_StillMatch()
    {
        var plain = _files.Scan("""{"messages":[{"role":"user","content":"q"}],"reference_answer":"a"}""", collect: true);
        var escaped = _files.Scan("""{"m\u0065ssages":[{"r\u006fle":"us\u0065r","c\u006fntent":"q"}],"reference_\u0061nswer":"a"}""", collect: true);
        Assert.Empty(escaped.Diagnostics);
        Assert.Equal(plain.Prompts.Hashes, escaped.Prompts.Hashes);
    }

    // Texts with the same length and the same first and last 8 bytes (what a fingerprint keeps), another middle.
    private static readonly string Head = new('h', 70);
    private static readonly string Tail = new('t', 70);

    private static string Row(string text) => $$"""{"messages":[{"role":"user","content":"{{text}}"}]}""";

    [Fact]
    public void Leakage_SameEndsDifferentMiddle_SameFingerprintButNotALeak()
    {
        var validation = _files.Scan(Row(Head + "Capital of France?" + Tail) + "\n", collect: true);
        var training = _files.Scan(Row(Head + "Capital of Greece?" + Tail) + "\n", collect: true, find: validation.Prompts);
        Assert.Equal(validation.Prompts.Fingerprints, training.Prompts.Fingerprints); // the full hash had to decide
        Assert.NotEqual(validation.Prompts.Hashes, training.Prompts.Hashes);
        Assert.Equal(0, training.LeakedCount);
    }

    [Theory]
    [InlineData(@"caf\u00e9", "café")]
    [InlineData(@"\ud83d\ude00", "😀")]
    [InlineData(@"a\/b", "a/b")]
    public void Leakage_TextsEscapedDifferently_StillFound(string escaped, string canonical)
    {
        // Escapes only inside (the fingerprint reads the ends from the line), and at both ends (re-encoded first).
        foreach (var layout in new Func<string, string>[] { x => Head + x + Tail, x => x + Head + x + Tail + x, x => x })
        {
            foreach (var (a, b) in new[] { (escaped, canonical), (canonical, escaped) })
            {
                var validation = _files.Scan(Row(layout(a)) + "\n", collect: true);
                var training = _files.Scan(Row("other") + "\n" + Row(layout(b)) + "\n", collect: true, find: validation.Prompts);
                Assert.Empty(training.Diagnostics);
                Assert.Equal([2], training.LeakedLines);
                Assert.Contains(validation.Prompts.Fingerprints.Single(), training.Prompts.Fingerprints);
                Assert.Contains(validation.Prompts.Hashes.Single(), training.Prompts.Hashes);
            }
        }
    }
}
