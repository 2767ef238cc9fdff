# Kubernetes access for hypervisor-tui, read-only by construction (issue 19).
#
# The console never sees a cluster-admin kubeconfig. When k3s runs here as a server (or
# `kubernetes.provision` is set), the module gives the console an identity of its own:
#   - the objects of ./kubernetes/hypervisor-tui.yaml (a ServiceAccount in kube-system, a
#     ClusterRole with only get/list/watch on what the console reads, its binding), linked
#     into k3s' auto-deploy directory, or applied by the token service on other clusters;
#   - hypervisor-tui-kube-token.service (root, oneshot) + .timer: mints a short-lived token
#     for that ServiceAccount (TokenRequest, `kubectl create token`, with the admin
#     kubeconfig only root reads) and writes /run/hypervisor-tui/kubeconfig, mode 0640, owner
#     root, group the console's; renewed every third of the token's lifetime. The console
#     rebuilds its client when the file changes (or its token is rejected): no restart.
#   - with `actions.enable`: the same for actiond (./kubernetes/hypervisor-tui-actiond.yaml,
#     a narrow write role), into /run/hypervisor-tui/actiond.kubeconfig, mode 0600 root:root,
#     given to actiond as KUBECONFIG. The console cannot read it.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    mkDefault
    mkIf
    mkMerge
    mkOption
    optional
    optionalString
    types
    ;

  cfg = config.services.hypervisor-tui;
  kcfg = cfg.kubernetes;
  k3s = config.services.k3s;
  # The manifests directory and the admin kubeconfig exist on k3s servers only.
  k3sServer = (k3s.enable or false) && (k3s.role or "server") == "server";

  runDir = "/run/hypervisor-tui";
  # Every cluster has it: the two files of objects do not depend on each other.
  namespace = "kube-system";
  manifestDir = "/var/lib/rancher/k3s/server/manifests";

  # Plain kubectl, not `k3s kubectl` (which may unpack k3s' data directory first).
  kubectl = "${pkgs.kubectl}/bin/kubectl";

  # One identity: which ServiceAccount, its objects, where its kubeconfig goes and for whom.
  identities = [
    {
      unit = "hypervisor-tui-kube-token";
      what = "the console";
      serviceAccount = "hypervisor-tui";
      objects = ./kubernetes/hypervisor-tui.yaml;
      manifest = "hypervisor-tui.yaml";
      out = "${runDir}/kubeconfig";
      group = cfg.group;
      mode = "0640";
    }
  ]
  ++ optional cfg.actions.enable {
    unit = "hypervisor-tui-actiond-kube-token";
    what = "actiond";
    serviceAccount = "hypervisor-tui-actiond";
    objects = ./kubernetes/hypervisor-tui-actiond.yaml;
    manifest = "hypervisor-tui-actiond.yaml";
    out = "${runDir}/actiond.kubeconfig";
    group = "root";
    mode = "0600";
  };

  # Mints a token for `id` and replaces its kubeconfig in one rename. Shell variables are
  # written $name (never with braces) so Nix leaves them alone.
  tokenScript =
    id:
    pkgs.writeShellScript "${id.unit}" ''
      set -euo pipefail
      k() { ${kubectl} --kubeconfig ${lib.escapeShellArg kcfg.adminKubeconfig} "$@"; }
      ${optionalString (!k3sServer) ''
        # Not k3s: apply the objects ourselves (k3s deploys them from its manifests directory).
        k apply -f ${id.objects}
      ''}
      # k3s deploys the objects a moment after the API answers: wait for the ServiceAccount.
      tries=0
      until k -n ${namespace} get serviceaccount ${id.serviceAccount} >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 90 ]; then
          echo "ServiceAccount ${namespace}/${id.serviceAccount} not found after 180 s" >&2
          exit 1
        fi
        sleep 2
      done
      token=$(k -n ${namespace} create token ${id.serviceAccount} --duration=${toString kcfg.tokenLifetime}s)
      server=$(k config view --minify -o 'jsonpath={.clusters[0].cluster.server}')
      ca=$(k config view --minify --raw -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}')
      if [ -z "$ca" ]; then
        ca_file=$(k config view --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority}')
        if [ -n "$ca_file" ]; then ca=$(base64 -w0 < "$ca_file"); fi
      fi
      tmp=$(mktemp ${runDir}/.${id.unit}.XXXXXX)
      trap 'rm -f "$tmp"' EXIT
      {
        echo "apiVersion: v1"
        echo "kind: Config"
        echo "clusters:"
        echo "- name: cluster"
        echo "  cluster:"
        echo "    server: $server"
        if [ -n "$ca" ]; then echo "    certificate-authority-data: $ca"; fi
        echo "users:"
        echo "- name: ${id.serviceAccount}"
        echo "  user:"
        echo "    token: $token"
        echo "contexts:"
        echo "- name: ${id.serviceAccount}"
        echo "  context:"
        echo "    cluster: cluster"
        echo "    user: ${id.serviceAccount}"
        echo "    namespace: ${namespace}"
        echo "current-context: ${id.serviceAccount}"
      } > "$tmp"
      chown root:${id.group} "$tmp"
      chmod ${id.mode} "$tmp"
      mv -f "$tmp" ${id.out}
      trap - EXIT
      echo "wrote ${id.out} (${id.mode} root:${id.group}): a ${toString kcfg.tokenLifetime} s token of ${namespace}/${id.serviceAccount}"
    '';

  tokenService = id: {
    name = id.unit;
    value = {
      description = "hypervisor-tui: short-lived Kubernetes token for ${id.what} (ServiceAccount ${namespace}/${id.serviceAccount})";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ optional k3sServer "k3s.service";
      path = [ pkgs.coreutils ];
      environment = {
        # kubectl's discovery cache; the real home is hidden.
        HOME = "/tmp";
      };
      # Retried until the cluster answers, however long that takes.
      unitConfig.StartLimitIntervalSec = 0;
      serviceConfig = import ./sandbox.nix // {
        Type = "oneshot";
        ExecStart = tokenScript id;
        Restart = "on-failure";
        RestartSec = 30;
        # Root, to read the admin kubeconfig and give the file to the console's group; the
        # rest is taken away. It writes nothing but ${runDir}.
        User = "root";
        UMask = "0077";
        CapabilityBoundingSet = [ "CAP_CHOWN" ];
        ReadWritePaths = [ runDir ];
        SystemCallFilter = [ "@system-service" ];
        # The API server (IP), the resolver; Go's net package asks netlink for addresses.
        RestrictAddressFamilies = [
          "AF_UNIX"
          "AF_INET"
          "AF_INET6"
          "AF_NETLINK"
        ];
      };
    };
  };

  tokenTimer = id: {
    name = id.unit;
    value = {
      description = "hypervisor-tui: renew the Kubernetes token for ${id.what}";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        # A third of the lifetime: two renewals can fail before the token expires.
        OnUnitActiveSec = "${toString (kcfg.tokenLifetime / 3)}s";
        AccuracySec = "30s";
        Unit = "${id.unit}.service";
      };
    };
  };
in
{
  options.services.hypervisor-tui.kubernetes = {
    provision = mkOption {
      type = types.bool;
      default = k3sServer;
      defaultText = lib.literalExpression ''config.services.k3s.enable && config.services.k3s.role == "server"'';
      description = ''
        Give the console a read-only Kubernetes identity of its own: a ServiceAccount with a
        get/list/watch-only ClusterRole (`nixos/kubernetes/hypervisor-tui.yaml`), a short-lived
        token for it minted by `hypervisor-tui-kube-token.service` (root) and renewed by its
        timer, written to `/run/hypervisor-tui/kubeconfig` (mode 0640, the console's group),
        which becomes the console's kubeconfig. On by default on a k3s server; on other
        clusters set it and `adminKubeconfig`. With `actions.enable`, actiond gets its own
        narrow write role the same way (`/run/hypervisor-tui/actiond.kubeconfig`, root only).
      '';
    };

    adminKubeconfig = mkOption {
      type = types.str;
      default = "/etc/rancher/k3s/k3s.yaml";
      description = ''
        Kubeconfig root uses to mint the tokens (and, without k3s, to apply the objects).
        Only the root-run token service reads it; the console never does.
      '';
    };

    tokenLifetime = mkOption {
      type = types.ints.between 600 86400;
      default = 3600;
      description = "Lifetime of the minted tokens, in seconds (the API's minimum is 600); they are renewed every third of it.";
    };
  };

  config = mkMerge [
    (mkIf cfg.enable {
      warnings = optional (cfg.settings.kubernetes.kubeconfig == kcfg.adminKubeconfig) ''
        services.hypervisor-tui.settings.kubernetes.kubeconfig is ${kcfg.adminKubeconfig}, the
        cluster-admin kubeconfig: every console user (and SSH login of it) would hold the whole
        cluster. Leave it unset: kubernetes.provision gives the console a read-only token.
      '';
    })

    (mkIf (cfg.enable && kcfg.provision) {
      services.hypervisor-tui.settings.kubernetes.kubeconfig = mkDefault "${runDir}/kubeconfig";

      # One definition: k3s' objects are linked into its manifests directory, where k3s
      # applies (and keeps applied) every file; by tmpfiles, as nixpkgs'
      # `services.k3s.manifests` does.
      systemd.tmpfiles.rules = [
        "d ${runDir} 0755 root root -"
      ]
      ++ lib.optionals k3sServer (
        map (id: "L+ ${manifestDir}/${id.manifest} - - - - ${id.objects}") identities
      );

      systemd.services = lib.listToAttrs (map tokenService identities);
      systemd.timers = lib.listToAttrs (map tokenTimer identities);
    })

    (mkIf (cfg.enable && kcfg.provision && cfg.actions.enable) {
      # actiond's KubeVirt and node verbs use its own kubeconfig, given as KUBECONFIG (a
      # root-only file; the console's config never names it), and reach the API server over
      # IP: its sandbox opens IP here, and only here.
      systemd.services.hypervisor-tui-actiond.environment.KUBECONFIG = "${runDir}/actiond.kubeconfig";
      systemd.services.hypervisor-tui-actiond.serviceConfig = {
        RestrictAddressFamilies = lib.mkForce [
          "AF_UNIX"
          "AF_NETLINK"
          "AF_INET"
          "AF_INET6"
        ];
        IPAddressDeny = lib.mkForce "";
      };
    })
  ];
}
