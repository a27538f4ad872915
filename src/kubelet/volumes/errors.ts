/** Errors raised while setting up a pod's volumes. */

/**
 * One volume could not be set up. `message` is upstream's plain error text (`configmap "x" not found`);
 * `eventMessage` is the FailedMount event text upstream's kubelet records for it.
 */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  /** Every volume of the pod that failed in the same setUpPod call (this one first). */
  all: VolumeError[] = [this];

  constructor(readonly volume: string, message: string) {
    super(message);
  }

  get eventMessage(): string {
    return `MountVolume.SetUp failed for volume "${this.volume}" : ${this.message}`;
  }
}

/** Text of any thrown value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
