using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>Source-generated JSON for the Messages API wire types: snake_case, nulls omitted unless marked.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(CountTokensRequest))]
[JsonSerializable(typeof(CountTokensResponse))]
[JsonSerializable(typeof(MessagesResponse))]
[JsonSerializable(typeof(AnthropicErrorResponse))]
[JsonSerializable(typeof(AnthropicModelInfo))]
[JsonSerializable(typeof(AnthropicModelList))]
public sealed partial class AnthropicJson : JsonSerializerContext;
