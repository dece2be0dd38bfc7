export { Bucket, type BucketArgs, type StorageClass } from "./bucket";
