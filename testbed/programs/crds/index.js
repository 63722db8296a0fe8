"use strict";
// A small program for scenario h: CRDs applied the way the package applies them, from files
// (`applyCrds`, how every stack did before) or fetched from a release URL by the Kubernetes
// provider (`applyUpstreamCrds`), under the same parent component, so the switch can be watched.
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { applyCrds, applyUpstreamCrds, loadCrds } = require("../../../bin/kubernetes/crds");

class Owner extends pulumi.ComponentResource {
    constructor(name) {
        super("testbed:index:CrdOwner", name, {});
        const config = new pulumi.Config();
        const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: config.requireSecret("kubeconfig"), enableServerSideApply: true }, { parent: this });
        const opts = { parent: this, provider };
        const crds = config.require("mode") === "files"
            ? applyCrds(name, loadCrds(config.require("dir")), true, opts)
            : [applyUpstreamCrds(name, config.requireObject("urls"), true, opts)];
        this.registerOutputs({ count: crds.length });
    }
}

new Owner("karpenter");
