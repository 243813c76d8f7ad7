/**
 * MLflow's REST error catalogue: `{ "error_code": "...", "message": "..." }` with the HTTP status
 * the MLflow tracking server uses for that code.
 */

export type MlflowErrorCode =
  'INVALID_PARAMETER_VALUE' | 'RESOURCE_DOES_NOT_EXIST' | 'RESOURCE_ALREADY_EXISTS' | 'INVALID_STATE' | 'BAD_REQUEST' | 'INTERNAL_ERROR';

const STATUS: Record<MlflowErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  BAD_REQUEST: 400,
  INTERNAL_ERROR: 500,
};

export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  readonly status: number;

  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[errorCode];
  }

  static invalid(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static exists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }

  toBody(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export function isMlflowError(err: unknown): err is MlflowError {
  return err instanceof MlflowError || (err instanceof Error && err.name === 'MlflowError');
}
