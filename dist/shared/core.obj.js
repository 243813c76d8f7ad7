// src/core/obj.ts
function isObj(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export {
  isObj
};
