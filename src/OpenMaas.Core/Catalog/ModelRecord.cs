using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Catalog;

/// <summary>A model registered in the library under a ModelScope-style ID (<c>owner/name</c>).</summary>
public sealed class ModelRecord
{
    /// <summary>The Model ID, <c>owner/name</c>, case-sensitive.</summary>
    public required string Id { get; set; }

    /// <summary>ModelScope task name, e.g. <c>text-generation</c>.</summary>
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

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The owner part of the ID (ModelScope's <c>owned_by</c>).</summary>
    public string Owner => Id[..Id.IndexOf('/')];
}

public static class ModelTasks
{
    public const string TextGeneration = "text-generation";
    public const string Chat = "chat";
}

public static class ModelFormats
{
    public const string Gguf = "gguf";
}

internal sealed class ModelRecordConfiguration : IEntityTypeConfiguration<ModelRecord>
{
    public void Configure(EntityTypeBuilder<ModelRecord> builder)
    {
        builder.ToTable("models");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseCollation("BINARY");
        builder.Ignore(m => m.Owner);
    }
}
