using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace CamStudio.Web.Components;

/// <summary>
/// The browser player (wwwroot-js/src at the repository root) is linked into the app as wwwroot/js/*.js. A publish
/// copies the files there; in a source checkout (dotnet run, tests) the static web assets manifest points at
/// wwwroot/js, where nothing exists, so /js/* answered 404. This adds the source folder behind the web root's file
/// provider, so MapStaticAssets finds the same files it serves from a published build; wwwroot-js/vendor likewise.
/// </summary>
public static class PlayerScripts
{
    private const string RequestFolder = "js";

    public static WebApplication UsePlayerScriptsFromSource(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        string root = Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, "..", "wwwroot-js"));
        string source = Path.Combine(root, "src");
        string vendor = Path.Combine(root, "vendor");
        if (Directory.Exists(source) && Directory.Exists(vendor))
        {
            // The vendored third-party modules (hls.js) are linked as wwwroot/js/vendor the same way.
            app.Environment.WebRootFileProvider = new CompositeFileProvider(
                app.Environment.WebRootFileProvider,
                new FolderFileProvider(RequestFolder + "/vendor", new PhysicalFileProvider(vendor)),
                new FolderFileProvider(RequestFolder, new PhysicalFileProvider(source)));
        }

        return app;
    }

    /// <summary>Serves <c>folder/x</c> from the inner provider's <c>x</c>.</summary>
    private sealed class FolderFileProvider(string folder, IFileProvider inner) : IFileProvider
    {
        public IDirectoryContents GetDirectoryContents(string subpath) =>
            TryStrip(subpath, out string rest) ? inner.GetDirectoryContents(rest) : NotFoundDirectoryContents.Singleton;

        public IFileInfo GetFileInfo(string subpath) =>
            TryStrip(subpath, out string rest) ? inner.GetFileInfo(rest) : new NotFoundFileInfo(subpath);

        public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

        private bool TryStrip(string subpath, out string rest)
        {
            string path = subpath.TrimStart('/');
            if (path.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                rest = path[(folder.Length + 1)..];
                return true;
            }

            rest = "";
            return false;
        }
    }
}
