using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Source-generated JSON for the /v1 wire types: snake_case, nulls omitted unless marked.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(RerankBody))]
[JsonSerializable(typeof(ImagesBody))]
[JsonSerializable(typeof(AudioSpeechBody))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelObject))]
[JsonSerializable(typeof(OpenAIErrorResponse))]
[JsonSerializable(typeof(Usage))]
public sealed partial class OpenAIJson : JsonSerializerContext;
