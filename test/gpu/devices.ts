/**
 * GPU devices shared by the GPU test files, one of each kind for the page (which lives for the
 * whole run): pipelines are cached per device, and SwiftShader takes about a second to compile
 * each one (kernel x overrides), so a context made on a shared device reuses what earlier tests
 * compiled. Tests about a device's own life (creation, limits, loss, destroy, instrumented calls)
 * request their own.
 */
import { requestDevice } from '../../src/gpu/device';

/**
 * `'raised'`: the device createContext() requests (the adapter's largest buffer and binding sizes,
 * its optional features); `'default'`: one requested with no limits or features (128 MiB bindings
 * on SwiftShader), for the ranges and chunks that ops split their operands into.
 */
export type SharedDeviceKind = 'raised' | 'default';

const devices = new Map<SharedDeviceKind, Promise<GPUDevice>>();

export function sharedDevice(kind: SharedDeviceKind): Promise<GPUDevice> {
  let device = devices.get(kind);
  if (!device) {
    device = kind === 'raised' ? requestDevice(navigator.gpu).then((r) => r.device) : navigator.gpu.requestAdapter().then((adapter) => adapter!.requestDevice());
    devices.set(kind, device);
  }
  return device;
}
