import {
  openCloudStore
} from "./clouds.open.js";
import "./esbuild-runtime.js";
export {
  openCloudStore
};
