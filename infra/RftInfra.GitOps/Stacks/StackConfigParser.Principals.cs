using System.Text.Json.Nodes;

namespace RftInfra.Stacks;

/// <summary>The <c>principals</c> key: who gets which RFT roles on the stack's accounts.</summary>
public static partial class StackConfigParser
{
    private const string PrincipalsExample = """'[{"objectId":"00000000-0000-0000-0000-000000000000","principalType":"User","roles":["train","deploy"]}]'""";

    private static List<PrincipalGrant> ParsePrincipals(Reader reader)
    {
        var array = reader.Array("principals", PrincipalsExample);
        var principals = new List<PrincipalGrant>();
        if (array is null)
        {
            return principals;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject obj)
            {
                reader.Error("RFT506", "principals", $"entry {i} must be an object with objectId and principalType.", PrincipalsExample);
                continue;
            }

            var objectId = AsString(obj["objectId"]);
            if (objectId is null || !Guid.TryParse(objectId, out _))
            {
                reader.Error("RFT506", "principals", $"entry {i}: objectId must be the principal's Entra object id (a GUID).", PrincipalsExample);
                continue;
            }

            var type = AsString(obj["principalType"]) ?? "User";
            var matchedType = PrincipalTypes.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
            if (matchedType is null)
            {
                reader.Error("RFT506", "principals",
                    $"entry {i}: principalType '{type}' must be one of {string.Join(", ", PrincipalTypes)}.", PrincipalsExample);
                continue;
            }

            var roles = new List<PrincipalRole>();
            if (obj["roles"] is JsonArray roleArray)
            {
                foreach (var roleNode in roleArray)
                {
                    switch (AsString(roleNode)?.ToLowerInvariant())
                    {
                        case "train":
                            roles.Add(PrincipalRole.Train);
                            break;
                        case "deploy":
                            roles.Add(PrincipalRole.Deploy);
                            break;
                        default:
                            reader.Error("RFT506", "principals",
                                $"entry {i}: role '{roleNode?.ToJsonString()}' must be \"train\" or \"deploy\".", PrincipalsExample);
                            break;
                    }
                }
            }
            else if (obj["roles"] is null)
            {
                roles.AddRange([PrincipalRole.Train, PrincipalRole.Deploy]);
            }
            else
            {
                reader.Error("RFT506", "principals", $"entry {i}: roles must be a list such as [\"train\"].", PrincipalsExample);
            }

            principals.Add(new PrincipalGrant(objectId.ToLowerInvariant(), matchedType, roles.Distinct().ToList()));
        }

        return principals;
    }
}
