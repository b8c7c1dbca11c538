using System.Text.Json.Serialization;

namespace CamStudio.Core.Cameras;

/// <summary>
/// Serializes a wire enum as its <see cref="JsonStringEnumMemberNameAttribute"/> name and rejects numbers, so that
/// <c>"stream_quality": 1</c> is a client error rather than a silently accepted value.
/// </summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
public sealed class WireEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter (used through <see cref="JsonConverterAttribute"/>).</summary>
    public WireEnumConverter()
        : base(namingPolicy: null, allowIntegerValues: false)
    {
    }
}
