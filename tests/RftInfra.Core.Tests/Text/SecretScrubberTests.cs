using System.Collections;
using RftInfra.Text;

namespace RftInfra.Core.Tests.Text;

public class SecretScrubberTests
{
    private static readonly Hashtable Variables = new()
    {
        ["AZURE_OPENAI_API_KEY"] = "sk-azure-0123456789",
        ["GITHUB_TOKEN"] = "ghp_abcdefghijklmnop",
        ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "eyJhbGciOiJSUzI1NiJ9.payload",
        ["ARM_CLIENT_SECRET"] = "client-secret-value",
        ["DB_PASSWORD"] = "short",
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["HOME"] = "/home/runner-home",
    };

    [Fact]
    public void SecretValues_ComeFromSecretNamesOnly_LongEnough()
    {
        Assert.Equal(
            ["eyJhbGciOiJSUzI1NiJ9.payload", "ghp_abcdefghijklmnop", "client-secret-value", "sk-azure-0123456789"],
            SecretScrubber.SecretValues(Variables));
    }

    [Fact]
    public void Scrub_MasksEveryOccurrenceExactly()
    {
        var text = "KeyError: 'sk-azure-0123456789' (ghp_abcdefghijklmnop, sk-azure-0123456789) in /home/runner-home";

        Assert.Equal("KeyError: '***' (***, ***) in /home/runner-home", SecretScrubber.Scrub(text, SecretScrubber.SecretValues(Variables)));
    }

    [Theory]
    [InlineData("AZURE_OPENAI_API_KEY", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("ACTIONS_RUNTIME_TOKEN", true)]
    [InlineData("AZURE_CLIENT_SECRET", true)]
    [InlineData("PULUMI_ACCESS_TOKEN", true)]
    [InlineData("PATH", false)]
    [InlineData("PWD", false)]
    [InlineData("KEYBOARD_LAYOUT", false)]
    public void IsSecretName(string name, bool expected) => Assert.Equal(expected, SecretScrubber.IsSecretName(name));
}
