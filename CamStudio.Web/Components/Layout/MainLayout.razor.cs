using MudBlazor;

namespace CamStudio.Web.Components.Layout;

/// <summary>App bar, navigation drawer and the MudBlazor providers; dark or light follows the system.</summary>
public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The system preference is only known in the browser; ObserveSystemDarkModeChange follows later switches.
        if (firstRender && _themeProvider is not null)
        {
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }
}
