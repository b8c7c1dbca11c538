using System.Xml.Linq;
using CamStudio.Core.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Cluster;

/// <summary>
/// The Data Protection key ring in the database (<c>data_protection_keys</c>), used only in cluster mode, so every node
/// decrypts the camera passwords, webhook secrets and cookies another node encrypted. The package's own
/// <c>EntityFrameworkCoreXmlRepository</c> resolves a scoped context; this one goes through the app's pooled factory.
/// The first key is made by <see cref="ClusterKeyRingInitializer"/> under a lock, never here.
/// </summary>
internal sealed class ClusterKeyRing(IDbContextFactory<CamStudioDbContext> contextFactory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // IXmlRepository is synchronous; Data Protection calls it at start and on its daily refresh, off any request.
        using CamStudioDbContext context = contextFactory.CreateDbContext();
        return [.. context.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable()
            .Where(xml => !string.IsNullOrEmpty(xml)).Select(xml => XElement.Parse(xml!))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using CamStudioDbContext context = contextFactory.CreateDbContext();
        context.DataProtectionKeys.Add(new DataProtectionKey
        {
            FriendlyName = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
        });
        context.SaveChanges();
    }
}
