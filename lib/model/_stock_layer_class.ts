/**
 * Internal: the layer class tfjs-layers registered under a class name, for the toolkit's
 * subclasses that keep that name (TrainConv2D, ReluActivation).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The registered class `className`; throws naming `who` when tfjs-layers has none. */
export function stockLayerClass(className: string, who: string): typeof tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`${who}: tfjs-layers' ${className} is not registered`);
  return entry[0] as unknown as typeof tf.layers.Layer;
}
