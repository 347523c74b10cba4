using System.Text;
using System.Text.Unicode;
using RftInfra.Core.Datasets;
using RftInfra.Core.Diagnostics;

namespace RftInfra.Core.Tests.Datasets;

/// <summary>The scanner's fast paths (vectorised UTF-8 check, one-copy prompt canonicalisation) against the slow answers.</summary>
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
        Assert.Equal(a.PromptHashes, b.PromptHashes);
        Assert.NotEqual(a.PromptHashes, c.PromptHashes);
    }

    [Fact]
    public void Scan_EscapedKeysAndRoles_StillMatch()
    {
        var plain = _files.Scan("""{"messages":[{"role":"user","content":"q"}],"reference_answer":"a"}""", collect: true);
        var escaped = _files.Scan("""{"m\u0065ssages":[{"r\u006fle":"us\u0065r","c\u006fntent":"q"}],"reference_\u0061nswer":"a"}""", collect: true);
        Assert.Empty(escaped.Diagnostics);
        Assert.Equal(plain.PromptHashes, escaped.PromptHashes);
    }
}
