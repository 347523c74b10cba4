using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RftInfra.Stacks;

/// <summary>
/// Azure names for the stack's resources. The account name doubles as its custom subdomain
/// (<c>https://{name}.openai.azure.com</c>), which is global: prefix-env-region plus a short hash of the fully
/// qualified stack name keeps two teams using the same prefix apart, and stays the same from run to run.
/// </summary>
public static partial class ResourceNames
{
    /// <summary>Cognitive Services account names and custom subdomains: 2-64 characters.</summary>
    public const int MaxAccountNameLength = 64;

    public const int HashLength = 6;

    public static string ResourceGroup(string prefix, string environment) => $"rg-{prefix}-{environment}";

    /// <param name="stackQualifiedName">organization/project/stack, so that the same prefix in two organizations differs.</param>
    public static string Account(string prefix, string environment, string region, string stackQualifiedName)
    {
        var hash = ShortHash($"{stackQualifiedName}|{region}");
        var name = $"{prefix}-{environment}-{region}-{hash}";
        if (name.Length > MaxAccountNameLength)
        {
            // Only very long prefixes get here (the config allows 12 + 12 characters); the hash keeps it unique.
            var keep = MaxAccountNameLength - hash.Length - 1;
            name = $"{name[..keep].TrimEnd('-')}-{hash}";
        }

        return name;
    }

    /// <summary>True when <paramref name="name"/> is a valid account name / custom subdomain.</summary>
    public static bool IsValidAccountName(string name) => AccountNameRegex().IsMatch(name);

    /// <summary>The deployment of a job's fine-tuned model: the job name plus <c>-ft</c>, at most 64 characters.</summary>
    public static string FineTunedDeployment(string jobName)
    {
        var cleaned = InvalidDeploymentChars().Replace(jobName, "-");
        return cleaned.Length > 61 ? $"{cleaned[..61]}-ft" : $"{cleaned}-ft";
    }

    /// <summary>Lowercase base-32 (a-z, 2-7) of SHA-256: stable, DNS-safe.</summary>
    public static string ShortHash(string input, int length = HashLength)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        var text = new StringBuilder(length);
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && text.Length < length)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }

            if (text.Length == length)
            {
                break;
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]
    private static partial Regex AccountNameRegex();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex InvalidDeploymentChars();
}
