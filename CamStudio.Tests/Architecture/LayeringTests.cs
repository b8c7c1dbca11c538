using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Architecture;

/// <summary>
/// The layering CamStudio.Media/README.md describes, enforced: the media library stands alone (no CamStudio project, no
/// database packages), the core does not reach up into media or web, and inside the media library WebRtc/, Rtp/ and
/// Video/ never use Streaming/, and Hls/ neither. Each rule is checked on what the compiler produced (assembly references, member
/// signatures, local variables) and on the source (using lines, fully qualified names), so a forbidden reference fails
/// here however it is written.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Assembly s_media = typeof(CameraStream).Assembly;

    private static readonly string[] s_forbiddenInMedia =
        ["CamStudio.", "Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.AspNetCore.Identity",
            // The cluster's Redis client belongs to the web app (issue 18): the media library knows nothing of nodes.
            "StackExchange.Redis", "Microsoft.AspNetCore.DataProtection.EntityFrameworkCore"];

    /// <summary>Namespace (folder) → namespaces its types must not use.</summary>
    public static TheoryData<string, string> ForbiddenNamespaceUses => new()
    {
        { "CamStudio.Media.WebRtc", "CamStudio.Media.Streaming" },
        { "CamStudio.Media.Rtp", "CamStudio.Media.Streaming" },
        { "CamStudio.Media.Rtp", "CamStudio.Media.WebRtc" },
        { "CamStudio.Media.Video", "CamStudio.Media.Streaming" },
        { "CamStudio.Media.Video", "CamStudio.Media.WebRtc" },
        { "CamStudio.Media.Video", "CamStudio.Media.Rtp" },
        { "CamStudio.Media.Audio", "CamStudio.Media.Streaming" },
        { "CamStudio.Media.Audio", "CamStudio.Media.WebRtc" },
        // HLS packaging is a second way out of the same H.264, beside WebRTC: neither may build on the other.
        { "CamStudio.Media.Hls", "CamStudio.Media.WebRtc" },
        { "CamStudio.Media.WebRtc", "CamStudio.Media.Hls" },
        // Streaming/ feeds Hls/ (the packager is a packet sink of the camera's source), so Hls/ must not reach back.
        { "CamStudio.Media.Hls", "CamStudio.Media.Streaming" },
        // Snapshots/ sits on top of the streams (it subscribes to a running stream's source): nothing below uses it.
        { "CamStudio.Media.Streaming", "CamStudio.Media.Snapshots" },
        { "CamStudio.Media.Hls", "CamStudio.Media.Snapshots" },
        { "CamStudio.Media.Ffmpeg", "CamStudio.Media.Snapshots" },
        { "CamStudio.Media.WebRtc", "CamStudio.Media.Snapshots" },
    };

    [Fact]
    public void Media_has_no_project_reference()
    {
        ProjectReferences("CamStudio.Media").Should().BeEmpty("CamStudio.Media stands alone; the app adapts to it in CamStudio.Web/Composition");
    }

    [Fact]
    public void Core_references_neither_media_nor_web()
    {
        ProjectReferences("CamStudio.Core").Should().NotContain(r => r.Contains("CamStudio.Media", StringComparison.Ordinal)
            || r.Contains("CamStudio.Web", StringComparison.Ordinal));
        typeof(CamStudio.Core.Cameras.Camera).Assembly.GetReferencedAssemblies().Select(a => a.Name)
            .Should().NotContain(n => n!.StartsWith("CamStudio.Media", StringComparison.Ordinal) || n.StartsWith("CamStudio.Web", StringComparison.Ordinal));
    }

    [Fact]
    public void Media_assembly_references_no_camstudio_or_database_assembly()
    {
        string[] referenced = [.. s_media.GetReferencedAssemblies().Select(a => a.Name!)];

        referenced.Should().NotContain(n => s_forbiddenInMedia.Any(f => n.StartsWith(f, StringComparison.Ordinal)));
        referenced.Should().Contain("BouncyCastle.Cryptography", "the check reads real references");
    }

    [Fact]
    public void Media_project_has_no_database_or_redis_package()
    {
        // An unused package reference leaves no assembly reference behind, so the project file is checked too.
        string[] packages = [.. XDocument.Load(Path.Combine(RepositoryPaths.Root, "CamStudio.Media", "CamStudio.Media.csproj"))
            .Descendants().Where(e => e.Name.LocalName == "PackageReference")
            .Select(e => (string?)e.Attribute("Include") ?? string.Empty)];

        packages.Should().Contain("BouncyCastle.Cryptography", "the check reads real references");
        packages.Should().NotContain(p => s_forbiddenInMedia.Any(f => p.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Media_types_use_no_camstudio_type_from_another_assembly()
    {
        string[] offenders = [.. s_media.GetTypes().SelectMany(t => UsedTypes(t).Select(u => (t, u)))
            .Where(p => p.u.Assembly != s_media && (p.u.Namespace ?? string.Empty).StartsWith("CamStudio", StringComparison.Ordinal))
            .Select(p => p.t.FullName + " -> " + p.u.FullName)
            .Distinct()];

        offenders.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(ForbiddenNamespaceUses))]
    public void A_namespace_does_not_use_a_higher_layer_in_compiled_signatures(string layer, string forbidden)
    {
        Type[] types = [.. s_media.GetTypes().Where(t => t.Namespace == layer)];
        types.Should().NotBeEmpty("the layer {0} exists", layer);

        string[] offenders = [.. types.SelectMany(t => UsedTypes(t).Select(u => (t, u)))
            .Where(p => p.u.Namespace == forbidden || (p.u.Namespace ?? string.Empty).StartsWith(forbidden + ".", StringComparison.Ordinal))
            .Select(p => p.t.FullName + " -> " + p.u.FullName)
            .Distinct()];

        offenders.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(ForbiddenNamespaceUses))]
    public void A_folder_does_not_use_a_higher_layer_in_source(string layer, string forbidden)
    {
        string folder = Path.Combine(RepositoryPaths.Root, "CamStudio.Media", layer["CamStudio.Media.".Length..]);
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        files.Should().NotBeEmpty();

        var offenders = new List<string>();
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            Match declared = NamespaceDeclaration().Match(text);
            if (!declared.Success || declared.Groups["name"].Value != layer)
            {
                // A file in this folder declaring another namespace would slip past the namespace rules.
                offenders.Add(Path.GetFileName(file) + ": declares " + (declared.Success ? declared.Groups["name"].Value : "no namespace"));
            }

            if (text.Contains(forbidden, StringComparison.Ordinal))
            {
                offenders.Add(Path.GetFileName(file) + ": mentions " + forbidden);
            }
        }

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void Media_has_no_global_using_of_a_layer()
    {
        string root = Path.Combine(RepositoryPaths.Root, "CamStudio.Media");
        Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("global using CamStudio", StringComparison.Ordinal))
            .Should().BeEmpty("a global using would make every folder see every layer");
        File.ReadAllText(Path.Combine(root, "CamStudio.Media.csproj")).Should().NotContain("<Using ");
    }

    private static string[] ProjectReferences(string project) =>
        [.. XDocument.Load(Path.Combine(RepositoryPaths.Root, project, project + ".csproj"))
            .Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? string.Empty)];

    /// <summary>Every type a type's compiled form names: base, interfaces, members' signatures, locals, attributes.</summary>
    private static IEnumerable<Type> UsedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var named = new List<Type>();
        if (type.BaseType is { } baseType)
        {
            named.Add(baseType);
        }

        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        named.AddRange(type.GetFields(all).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
        named.AddRange(type.GetEvents(all).Select(e => e.EventHandlerType).OfType<Type>());
        foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                named.Add(info.ReturnType);
            }

            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method.GetMethodBody() is { } body)
            {
                named.AddRange(body.LocalVariables.Select(l => l.LocalType));
            }
        }

        return named.SelectMany(Expand).Distinct();
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (Type inner in Expand(element))
            {
                yield return inner;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
