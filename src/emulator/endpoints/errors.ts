/**
 * The errors of online endpoints and deployments, as Azure ML spells them (the ML service's
 * `UserError` body with the `managementfrontend` component for request validation, ARM-style
 * codes for conflicts and for failed provisioning operations).
 */
import { ArmError, type ArmErrorDetail, ArmErrors } from '../arm/errors.js';

/** A provisioning failure: the operation ends `Failed` with this code and message. */
export class DeploymentFailure extends Error {
  override readonly name = 'DeploymentFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toArmError(): ArmError {
    return new ArmError(400, this.code, this.message);
  }
}

export const EndpointErrors = {
  /** 404 `NotFound` with a `NoSuchEndpoint` detail (batch-endpoints/batch-endpoint-create-delete.json entry 10; README observation 8). */
  endpointNotFound(name: string, workspace: string): ArmError {
    return new ArmError(404, 'NotFound', 'The specified resource was not found.', {
      component: 'managementfrontend',
      details: [
        { code: 'NoSuchEndpoint', message: `There is no endpoint with name: ${name} in ${workspace}`, details: [], additionalInfo: [] } as ArmErrorDetail,
      ],
    });
  },
  deploymentNotFound(endpoint: string, name: string, workspace: string): ArmError {
    return new ArmError(404, 'UserError', `Deployment '${name}' was not found in endpoint '${endpoint}' of workspace '${workspace}'.`, {
      component: 'managementfrontend',
      details: [{ code: 'NotFound', message: `The online deployment '${name}' does not exist.` }],
    });
  },
  /** A write while another operation runs on the endpoint (Azure: "Conflict of operation ..."). */
  endpointBusy(name: string, state: string, workspace: string): ArmError {
    return new ArmError(
      409,
      'Conflict',
      `Conflict of operation, another operation on same entity is already running in workspace '${workspace}': online endpoint '${name}' is in provisioning state '${state}'. Retry when the operation has finished.`,
      { target: name, component: 'managementfrontend', details: [{ code: 'OperationInProgress', message: `Endpoint '${name}' is '${state}'.` }] },
    );
  },
  deploymentBusy(endpoint: string, name: string, state: string, workspace: string): ArmError {
    return new ArmError(
      409,
      'Conflict',
      `Conflict of operation, another operation on same entity is already running in workspace '${workspace}': deployment '${name}' of endpoint '${endpoint}' is in provisioning state '${state}'. Retry when the operation has finished.`,
      { target: name, component: 'managementfrontend', details: [{ code: 'OperationInProgress', message: `Deployment '${name}' is '${state}'.` }] },
    );
  },
  /** What Azure answers when a deployment is created while its endpoint is being changed. */
  endpointNotReadyForDeployment(endpoint: string, state: string): ArmError {
    return new ArmError(409, 'Conflict', `Cannot create a deployment in endpoint ${endpoint} because it is in ${state} provisioning state.`, {
      target: endpoint,
      component: 'managementfrontend',
      details: [{ code: 'OperationInProgress', message: `Endpoint '${endpoint}' is '${state}'.` }],
    });
  },
  deploymentHasTraffic(endpoint: string, name: string, live: number, mirror: number): ArmError {
    const parts = [live > 0 ? `${live}% of the live traffic` : '', mirror > 0 ? `${mirror}% mirrored traffic` : ''].filter((p) => p);
    return ArmErrors.conflict(
      `Deployment '${name}' cannot be deleted because endpoint '${endpoint}' still sends it ${parts.join(' and ')}. Set its traffic (and mirrorTraffic) to 0 on the endpoint first.`,
      `traffic.${name}`,
    );
  },
  endpointNameTaken(name: string, location: string, otherWorkspace: string): ArmError {
    return ArmErrors.conflict(
      `There is already an endpoint with the name '${name}' in region '${location}' (workspace '${otherWorkspace}'). Endpoint name needs to be unique within a region.`,
      'name',
    );
  },
  invalid(target: string, message: string): ArmError {
    return ArmErrors.validation(target, message);
  },
  immutable(target: string, message: string): ArmError {
    return ArmErrors.validation(target, message);
  },
};
