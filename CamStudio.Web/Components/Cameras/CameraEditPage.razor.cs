using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using CamStudio.Web.Cluster;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace CamStudio.Web.Components.Cameras;

/// <summary>Add (<c>/cameras/new</c>) and edit (<c>/cameras/{id}/edit</c>) one camera.</summary>
public partial class CameraEditPage
{
    public const string ConflictMessage = "Someone else changed this camera — reload to see their changes.";
    public const string DuplicateNameMessage = "Another camera already has this name.";
    public const string AudioHelp = "Pass the camera's microphone to viewers. Tiles start muted; a click on the speaker unmutes.";

    private CameraFormModel? _model;
    private EditContext? _editContext;
    private CameraFormValidator? _validator;
    private int _version;
    private bool _hasPassword;
    private bool _notFound;
    private bool _conflict;
    private bool _busy;
    private bool _probing;
    private CameraProbeResult? _probeResult;
    private IReadOnlyList<CameraGroupResponse>? _groups;

    /// <summary>The camera to edit (from the route); null on <c>/cameras/new</c>.</summary>
    [Parameter]
    public int? CameraId { get; set; }

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    [Inject]
    private CameraCommands Commands { get; set; } = default!;

    [Inject]
    private ICameraGroupStore Groups { get; set; } = default!;

    [Inject]
    private CameraProbeService Probe { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Cluster mode shows "Serve from"; a single node does not.</summary>
    [Inject]
    private IClusterView Cluster { get; set; } = default!;

    /// <summary>
    /// The nodes "Serve from" offers besides Automatic: every node heard of, plus the stored pin when that node is not
    /// heard right now (so opening and saving the form never drops a pin by itself).
    /// </summary>
    private IReadOnlyList<string> NodeChoices
    {
        get
        {
            List<string> names = [.. Cluster.Nodes.Select(n => n.Name)];
            if (_model is { PinnedNode: { Length: > 0 } pinned } && !names.Contains(pinned, StringComparer.Ordinal))
            {
                names.Add(pinned);
            }

            return names;
        }
    }

    private bool IsEdit => CameraId is not null;

    private string Title => IsEdit ? "Edit camera" : "Add a camera";

    private string PasswordHelp => !IsEdit
        ? "Stored encrypted; never shown again."
        : _hasPassword
            ? "A password is stored. Leave blank to keep the current password."
            : "No password is stored. Leave blank to keep the current password (none).";

    private string? BrandNotes =>
        _model is not null && CameraBrandPresets.TryGet(_model.Brand, out CameraBrandPreset? preset) ? preset.Notes : null;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _conflict = false;
        _probeResult = null;
        _groups = await Groups.ListAsync(CancellationToken.None);
        if (CameraId is not int id)
        {
            SetModel(new CameraFormModel());
            return;
        }

        CameraResponse? camera = await Store.GetAsync(id, CancellationToken.None);
        if (camera is null)
        {
            _notFound = true;
            return;
        }

        _version = camera.Version;
        _hasPassword = camera.HasPassword;
        SetModel(CameraFormModel.FromCamera(camera));
    }

    private void SetModel(CameraFormModel model)
    {
        _model = model;
        _editContext = new EditContext(model);
    }

    private Task ReloadAsync() => LoadAsync();

    private void OnBrandChanged(string brand)
    {
        _model!.ApplyBrand(brand);
        _editContext!.NotifyFieldChanged(_editContext.Field(nameof(CameraFormModel.Brand)));
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(CameraFormModel.HdPath)));
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(CameraFormModel.SdPath)));
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(CameraFormModel.Audio)));
    }

    private void OnGroupToggled(int groupId, bool member)
    {
        _model!.Groups.Remove(groupId);
        if (member)
        {
            _model.Groups.Add(groupId);
        }

        _editContext!.NotifyFieldChanged(_editContext.Field(nameof(CameraFormModel.Groups)));
    }

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            CameraResult result = CameraId is int id
                ? await Commands.UpdateAsync(id, _model!.ToUpdate(_version), CancellationToken.None)
                : await Commands.CreateAsync(_model!.ToCreateRequest(), CancellationToken.None);
            switch (result)
            {
                case CameraSaved saved:
                    Snackbar.Add($"Saved \"{saved.Camera.Name}\".", Severity.Success);
                    Navigation.NavigateTo("cameras");
                    break;
                case CameraInvalid invalid:
                    _validator?.DisplayErrors(invalid.Errors);
                    break;
                case CameraConflict { Reason: CameraConflictReason.DuplicateName }:
                    _validator?.DisplayErrors(new Dictionary<string, string[]>(StringComparer.Ordinal)
                    {
                        [CameraFields.Name] = [DuplicateNameMessage],
                    });
                    break;
                case CameraConflict:
                    _conflict = true;
                    break;
                case CameraNotFound:
                    _notFound = true;
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task TestConnectionAsync()
    {
        CameraFormModel model = _model!;
        if (!_editContext!.Validate())
        {
            return;
        }

        _busy = _probing = true;
        _probeResult = null;
        try
        {
            string? password = model.Password.Length > 0 ? model.Password : null;
            if (password is null && CameraId is int id && _hasPassword)
            {
                // The stored password stays on the server: it goes to ffprobe, never into the page.
                password = (await Store.GetStreamSourceAsync(id, CancellationToken.None))?.Password;
            }

            var request = new CameraProbeRequest
            {
                Source = model.Source,
                Host = CameraValidator.NormalizeHost(model.IpAddress),
                Port = model.RtspPort ?? CameraDefaults.RtspPort,
                Path = model.StreamQuality == StreamQuality.Stream1 ? model.HdPath : model.SdPath,
                Username = model.Username.Length == 0 ? null : model.Username,
                Password = password,
            };
            _probeResult = await Probe.ProbeAsync(request, CancellationToken.None);
        }
        finally
        {
            _busy = _probing = false;
        }
    }
}
