# A k3s agent has neither the admin kubeconfig nor the manifests directory: no provisioning.
{
  services.k3s = {
    enable = true;
    role = "agent";
  };
  services.hypervisor-tui.enable = true;
}
