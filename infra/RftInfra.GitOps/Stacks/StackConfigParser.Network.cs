using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Stacks;

/// <summary>The <c>network</c> key: public access and the IP allow-list of the stack's accounts.</summary>
public static partial class StackConfigParser
{
    private const string NetworkExample = """'{"publicNetworkAccess":true,"allowedIps":["203.0.113.0/24"]}'""";

    private static NetworkSettings ParseNetwork(Reader reader)
    {
        var obj = reader.Object("network", NetworkExample);
        if (obj is null)
        {
            return NetworkSettings.Open;
        }

        var publicAccess = true;
        if (obj["publicNetworkAccess"] is { } accessNode)
        {
            if (accessNode.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                publicAccess = accessNode.GetValue<bool>();
            }
            else
            {
                reader.Error("RFT508", "network", "publicNetworkAccess must be true or false.", NetworkExample);
            }
        }

        var ips = new List<string>();
        if (obj["allowedIps"] is JsonArray ipArray)
        {
            foreach (var ipNode in ipArray)
            {
                var ip = AsString(ipNode)?.Trim();
                if (ip is null || !IsIpv4OrCidr(ip))
                {
                    reader.Error("RFT508", "network",
                        $"allowed IP '{ipNode?.ToJsonString()}' must be an IPv4 address or CIDR range such as 203.0.113.0/24.", NetworkExample);
                    continue;
                }

                ips.Add(ip);
            }
        }
        else if (obj["allowedIps"] is not null)
        {
            reader.Error("RFT508", "network", "allowedIps must be a list of IPv4 addresses or CIDR ranges.", NetworkExample);
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => k is not ("publicNetworkAccess" or "allowedIps")))
        {
            reader.Error("RFT508", "network", $"unknown setting '{key}': use publicNetworkAccess and allowedIps.", NetworkExample);
        }

        if (!publicAccess && ips.Count > 0)
        {
            reader.Error("RFT508", "network",
                "allowedIps has no effect while publicNetworkAccess is false: the account then takes private endpoints only.",
                NetworkExample);
        }

        return new NetworkSettings(publicAccess, ips);
    }

    internal static bool IsIpv4OrCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || address.Split('.').Length != 4)
        {
            return false;
        }

        return slash < 0 || (int.TryParse(text[(slash + 1)..], out var bits) && bits is >= 0 and <= 32);
    }
}
