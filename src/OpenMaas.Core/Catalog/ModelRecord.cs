namespace OpenMaas.Core.Catalog;

/// <summary>A model registered in the library under a ModelScope-style ID (<c>owner/name</c>).</summary>
public sealed class ModelRecord
{
    /// <summary>The Model ID, <c>owner/name</c>, case-sensitive.</summary>
    public required string Id { get; set; }

    /// <summary>ModelScope task name, e.g. <c>text-generation</c>; the domain follows from it.</summary>
    public string Task { get; set; } = ModelTasks.TextGeneration;

    /// <summary>Runtime format: <c>gguf</c> (llama.cpp), later <c>onnx</c> and <c>upstream</c>.</summary>
    public string Format { get; set; } = ModelFormats.Gguf;

    /// <summary>Absolute path of the weights file.</summary>
    public required string FilePath { get; set; }

    /// <summary>True when the file was left in place (<c>--link</c>) instead of copied into the store.</summary>
    public bool Linked { get; set; }

    public long SizeBytes { get; set; }

    public string? Architecture { get; set; }

    public long? ParameterCount { get; set; }

    public int? ContextLength { get; set; }

    /// <summary>The chat template from the GGUF metadata, when the file has one.</summary>
    public string? ChatTemplate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the card (metadata, mode) last changed; likes and downloads do not count.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Human-readable name for the library; the ID's name part when absent.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Licence identifier, e.g. <c>apache-2.0</c>, <c>mit</c>.</summary>
    public string? License { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>Declared capabilities of a model served by engines (<see cref="ModelCapabilities"/>).</summary>
    public List<string> Capabilities { get; set; } = [];

    public string? Description { get; set; }

    /// <summary>The model card: the repository's README.md, as Markdown.</summary>
    public string? Readme { get; set; }

    /// <summary>The repository's files, served by the hub file API.</summary>
    public List<ModelFile> Files { get; set; } = [];

    /// <summary>The revision these files are (ModelScope's default branch is <c>master</c>).</summary>
    public string Revision { get; set; } = ModelRevisions.Default;

    /// <summary>Users who like the model (one like per user).</summary>
    public long Likes { get; set; }

    /// <summary>File downloads, counted at most once per user per model per day.</summary>
    public long Downloads { get; set; }

    /// <summary>Whether a runtime of this server can serve the model (format and task it supports).</summary>
    public bool Servable { get; set; }

    public ApiInferenceMode ApiInferenceMode { get; set; } = ApiInferenceMode.Auto;

    /// <summary>Units of the daily allowances one call of this model spends (ModelScope charges 1 or 2 credits per call
    /// by model); at least 1.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>The effective API-Inference state, kept current by the API-Inference policy: only these models are
    /// served under /v1.</summary>
    public bool ApiInference { get; set; }

    /// <summary>Seen only by the members of the organisation named by <see cref="Owner"/> (and system admins): to anyone
    /// else the model does not exist, on every surface (<see cref="Organizations.ModelViewer"/>).</summary>
    public bool Private { get; set; }

    /// <summary>The owner part of the ID (ModelScope's <c>owned_by</c>).</summary>
    public string Owner => Id[..Id.IndexOf('/')];

    /// <summary>The name part of the ID.</summary>
    public string Name => Id[(Id.IndexOf('/') + 1)..];

    public string Domain => ModelDomains.Of(Task);
}

/// <summary>One file of a model repository.</summary>
public sealed class ModelFile
{
    /// <summary>Path inside the repository, <c>/</c>-separated.</summary>
    public required string Path { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public required string Sha256 { get; set; }

    /// <summary>Where the content is on this machine.</summary>
    public required string LocalPath { get; set; }
}

/// <summary>Pinned on, pinned off, or decided by popularity.</summary>
public enum ApiInferenceMode
{
    Auto,
    On,
    Off,
}

public static class ModelFormats
{
    public const string Gguf = "gguf";

    /// <summary>Served by remote OpenAI-compatible engines (vLLM, SGLang, llama-server, Ollama, another OpenMaaS).</summary>
    public const string Upstream = "upstream";
}

public static class ModelRevisions
{
    public const string Default = "master";
}
